/**
 * Appends through the real `SqlEventStore` beside a plain `INSERT` of the same rows into a table
 * of the same shape (`LIKE eventstore.events2 INCLUDING ALL`: same columns, key and indexes), one
 * transaction per append on both sides.
 */
import * as SqlEventStore from "@citadel/adapters/eventstore/SqlEventStore"
import type { EventStoreService } from "@citadel/domain"
import { Target } from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import {
  type Append,
  chunk,
  makeStreams,
  type Planned,
  targetAdded,
  targetChanged,
  targetId,
  toAppend
} from "./fixtures.js"
import { perSecond, summarize, type Summary, timed } from "./stats.js"

export const plainTable = "bench.events_plain"

export interface AppendScenario {
  readonly name: string
  readonly eventsPerAppend: number
  /** Appended untimed before the warm-up, to both tables: the aggregates the appends change. */
  readonly seed: ReadonlyArray<Append>
  /** `count` appends, never repeating an earlier call's; warm-up first, then each repetition. */
  readonly appends: (count: number) => ReadonlyArray<Append>
}

/** The four append shapes; aggregate ids never repeat across scenarios. */
export const scenarios = (): ReadonlyArray<AppendScenario> => {
  const targets = makeStreams(Target.targetAggregate)
  let next = 0
  const newTargets = (count: number): ReadonlyArray<Planned> =>
    Array.from({ length: count }, () => {
      const n = next++
      return targets(targetId(n), targetAdded(n))
    })

  const existing = 100
  const first = next
  const seeded = chunk(newTargets(existing), 100).map(toAppend)
  let round = 0
  const changes = (count: number): ReadonlyArray<Append> => {
    round++
    return Array.from({ length: count }, (_, i) => {
      const n = first + (i % existing)
      return toAppend([targets(targetId(n), targetChanged(n, round))])
    })
  }

  const oneAggregate = (count: number): ReadonlyArray<Append> =>
    Array.from({ length: count }, () => {
      const n = next++
      const id = targetId(n)
      const events = [targets(id, targetAdded(n))]
      for (let change = 1; change < 100; change++) {
        events.push(targets(id, targetChanged(n, change)))
      }
      return toAppend(events)
    })

  return [
    {
      name: "1 event/append: target.added, new aggregate + unique name",
      eventsPerAppend: 1,
      seed: [],
      appends: (count) => newTargets(count).map((planned) => toAppend([planned]))
    },
    {
      name: "1 event/append: target.changed, existing aggregate",
      eventsPerAppend: 1,
      seed: seeded,
      appends: changes
    },
    {
      name: "100 events/append: target.added, 100 aggregates",
      eventsPerAppend: 100,
      seed: [],
      appends: (count) => chunk(newTargets(count * 100), 100).map(toAppend)
    },
    {
      name: "100 events/append: added + 99 changed, 1 aggregate",
      eventsPerAppend: 100,
      seed: [],
      appends: oneAggregate
    }
  ]
}

export interface Timing {
  /** Appends of the warm-up, which also sizes the repetitions. */
  readonly warmUpAppends: number
  /** How long the event store side of one repetition should take. */
  readonly targetMs: number
  readonly minAppends: number
  readonly maxAppends: number
  readonly repetitions: number
}

/** Creates the plain table and empties it and the event store's tables. */
export const resetTables = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE SCHEMA IF NOT EXISTS bench`
  yield* sql.unsafe(
    `CREATE TABLE IF NOT EXISTS ${plainTable} (LIKE eventstore.events2 INCLUDING ALL)`
  )
  yield* sql.unsafe(
    `TRUNCATE eventstore.events2, eventstore.unique_constraints, ${plainTable}`
  )
})

/**
 * The plain side of an append: the store's rows, built from the same pending events and
 * sequences, one `INSERT` in one transaction. The position is a counter standing in for the
 * transaction id the store writes.
 */
const makePlainInsert = (sql: SqlClient.SqlClient) => {
  let position = 0
  return (append: Append) => {
    position++
    const rows = append.events.map((event, index) => ({
      instance_id: event.aggregate.instanceId,
      aggregate_type: event.aggregate.type,
      aggregate_id: event.aggregate.id,
      event_type: event.type,
      sequence: append.sequences[index]!,
      revision: event.aggregate.version,
      created_at: event.createdAt,
      payload: event.payload === null ? null : JSON.stringify(event.payload),
      creator: event.creator,
      owner: event.aggregate.owner,
      position: String(position),
      in_tx_order: index
    }))
    return sql.withTransaction(sql`INSERT INTO bench.events_plain ${sql.insert(rows)}`)
  }
}

export interface AppendResult {
  readonly name: string
  /** Events written by each side in each repetition. */
  readonly events: number
  readonly store: Summary
  readonly plain: Summary
  /** Store rate over plain rate, per repetition. */
  readonly ratio: Summary
}

/**
 * A warm-up, whose event store time sizes the repetitions to about `targetMs` each, then the
 * timed repetitions. Within a repetition both sides write the same events; which side goes
 * first alternates, so that a table growing or a cache warming favours neither.
 */
export const runAppendScenario = (scenario: AppendScenario, timing: Timing) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const store: EventStoreService = yield* SqlEventStore.make
    const plainInsert = makePlainInsert(sql)
    yield* resetTables

    // A failed write is a broken benchmark, not a result: it ends the run.
    const viaStore = (appends: ReadonlyArray<Append>) =>
      Effect.forEach(appends, (a) => store.append(a.events, a.expectations), { discard: true })
        .pipe(Effect.orDie)
    const viaPlain = (appends: ReadonlyArray<Append>) =>
      Effect.forEach(appends, plainInsert, { discard: true }).pipe(Effect.orDie)

    yield* viaStore(scenario.seed)
    yield* viaPlain(scenario.seed)

    const warmUp = scenario.appends(timing.warmUpAppends)
    const warmUpStore = yield* timed(viaStore(warmUp))
    yield* viaPlain(warmUp)
    const perAppendMs = warmUpStore.ms / timing.warmUpAppends
    const count = Math.min(
      timing.maxAppends,
      Math.max(timing.minAppends, Math.round(timing.targetMs / perAppendMs))
    )

    const storeRates: Array<number> = []
    const plainRates: Array<number> = []
    const ratios: Array<number> = []
    for (let repetition = 0; repetition < timing.repetitions; repetition++) {
      const appends = scenario.appends(count)
      const events = count * scenario.eventsPerAppend
      const storeFirst = repetition % 2 === 0
      const first = yield* timed(storeFirst ? viaStore(appends) : viaPlain(appends))
      const second = yield* timed(storeFirst ? viaPlain(appends) : viaStore(appends))
      const storeRate = perSecond(events, storeFirst ? first.ms : second.ms)
      const plainRate = perSecond(events, storeFirst ? second.ms : first.ms)
      storeRates.push(storeRate)
      plainRates.push(plainRate)
      ratios.push(storeRate / plainRate)
    }
    return {
      name: scenario.name,
      events: count * scenario.eventsPerAppend,
      store: summarize(storeRates),
      plain: summarize(plainRates),
      ratio: summarize(ratios)
    } satisfies AppendResult
  })
