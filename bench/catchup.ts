/**
 * Projection catch-up: a store filled with target and execution events as the domain writes
 * them, read by the real runner into the real read models, beside a plain `INSERT … SELECT` of
 * the same events into a read table.
 */
import * as SqlEventStore from "@citadel/adapters/eventstore/SqlEventStore"
import type { Projection } from "@citadel/adapters/projections/Projection"
import * as Runner from "@citadel/adapters/projections/Runner"
import { ExecutionsProjection } from "@citadel/adapters/readmodels/executions"
import { TargetsProjection } from "@citadel/adapters/readmodels/targets"
import { Execution, Target } from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import {
  chunk,
  executionId,
  executionSet,
  makeStreams,
  type Planned,
  targetAdded,
  targetChanged,
  targetId,
  targetRemoved,
  toAppend
} from "./fixtures.js"
import { perSecond, summarize, type Summary, timed } from "./stats.js"

/** The runner's default batch: events per transaction. */
export const batchSize = 100

export interface Fill {
  readonly events: number
  readonly targets: number
  readonly removedTargets: number
  readonly executions: number
}

/**
 * About `events` events: a fifth `target.added`, two `target.changed` per target (every fifth
 * target renamed once), a twentieth `target.removed`, and the rest `execution.v2.set`, seven
 * per execution, each listing one to four targets. Adds first, then changes and executions
 * interleaved, then removals, in appends of 100 events.
 */
export const plan = (events: number): { readonly fill: Fill; readonly planned: Array<Planned> } => {
  const targets = makeStreams(Target.targetAggregate)
  const executions = makeStreams(Execution.executionAggregate)
  const targetCount = Math.round(events / 5)
  const removedCount = Math.round(events / 20)
  const setCount = events - 3 * targetCount - removedCount
  const executionCount = Math.max(1, Math.round(setCount / 7))

  const planned: Array<Planned> = []
  for (let n = 0; n < targetCount; n++) planned.push(targets(targetId(n), targetAdded(n)))

  const changes: Array<() => Planned> = []
  for (let round = 1; round <= 2; round++) {
    for (let n = 0; n < targetCount; n++) {
      const rename = round === 2 && n % 5 === 0
      changes.push(() => targets(targetId(n), targetChanged(n, round, rename)))
    }
  }
  const sets: Array<() => Planned> = []
  for (let i = 0; i < setCount; i++) {
    const k = i % executionCount
    const listed = Array.from(
      { length: 1 + (i % 4) },
      (_, j) => targetId((k * 7 + i * 3 + j * 11) % targetCount)
    )
    sets.push(() => executions(executionId(k), executionSet([...new Set(listed)])))
  }
  for (let i = 0; i < Math.max(changes.length, sets.length); i++) {
    if (i < changes.length) planned.push(changes[i]!())
    if (i < sets.length) planned.push(sets[i]!())
  }

  for (let n = 0; n < removedCount; n++) planned.push(targets(targetId(n), targetRemoved))
  return {
    fill: {
      events: planned.length,
      targets: targetCount,
      removedTargets: removedCount,
      executions: Math.min(executionCount, setCount)
    },
    planned
  }
}

const readTable = "bench.events_read"

const resetReadTable = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE SCHEMA IF NOT EXISTS bench`
  yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS ${readTable} (
    instance_id text NOT NULL,
    aggregate_type text NOT NULL,
    id text NOT NULL,
    "sequence" bigint NOT NULL,
    event_type text NOT NULL,
    change_date timestamptz NOT NULL,
    name text,
    endpoint text,
    timeout_ns bigint,
    targets jsonb,
    PRIMARY KEY (instance_id, aggregate_type, id, "sequence")
  )`)
  yield* sql.unsafe(`TRUNCATE ${readTable}`)
})

const readColumns = `instance_id, aggregate_type, aggregate_id, "sequence", event_type, created_at,
  payload->>'name', payload->>'endpoint', (payload->>'timeout')::bigint, payload->'targets'`

/** Every event copied into the read table by one statement in one transaction. */
const copyAtOnce = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql.withTransaction(
    sql.unsafe(`INSERT INTO ${readTable} SELECT ${readColumns} FROM eventstore.events2`)
  )
})

/**
 * Every event copied in global order, `batchSize` per transaction, keyset on the position; only
 * the first `maxBatches` batches when given.
 */
const copyInBatches = (maxBatches = Infinity) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    let after = { position: "0", inTxOrder: 0 }
    for (let batch = 0; batch < maxBatches; batch++) {
      const [last] = yield* sql.withTransaction(sql<{
        readonly position: string | number
        readonly in_tx_order: number
      }>`
        WITH batch AS (
          SELECT * FROM eventstore.events2
          WHERE (position, in_tx_order) > (${after.position}::numeric, ${after.inTxOrder}::integer)
          ORDER BY position, in_tx_order
          LIMIT ${batchSize}
        ), copied AS (
          INSERT INTO bench.events_read SELECT ${sql.literal(readColumns)} FROM batch
        )
        SELECT position, in_tx_order FROM batch
        ORDER BY position DESC, in_tx_order DESC
        LIMIT 1
      `)
      if (last === undefined) return
      after = { position: String(last.position), inTxOrder: Number(last.in_tx_order) }
    }
  })

/**
 * Batches until the projection has caught up, as one round of the runner does; at most
 * `maxBatches` batches when given.
 */
const catchUp = (projection: Projection, maxBatches = Infinity) =>
  Effect.gen(function*() {
    for (let batch = 0; batch < maxBatches; batch++) {
      const result = yield* Runner.runBatch(projection, batchSize)
      if (result.skipped || result.processed < batchSize) return
    }
  })

const count = (table: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql.unsafe<{ readonly count: number | string }>(
      `SELECT count(*) AS count FROM ${table}`
    )
    return Number(row?.count ?? 0)
  })

/** Fails unless the read models hold what the fill leaves behind. */
const check = (fill: Fill) =>
  Effect.gen(function*() {
    const targets = yield* count("projections.targets2")
    const executions = yield* count("projections.executions1")
    const copied = yield* count(readTable)
    const want = { targets: fill.targets - fill.removedTargets, executions: fill.executions }
    if (targets !== want.targets || executions !== want.executions || copied !== fill.events) {
      return yield* Effect.dieMessage(
        `read models hold ${targets} targets, ${executions} executions and ${copied} copied ` +
          `events; expected ${want.targets}, ${want.executions} and ${fill.events}`
      )
    }
  })

export interface CatchUpResult {
  readonly fill: Fill
  /** Events per second of the fill: appends of 100 mixed events. */
  readonly fillRate: number
  readonly targets: Summary
  readonly executions: Summary
  /** Both projections, one after the other, as one runner round. */
  readonly both: Summary
  readonly copyAtOnce: Summary
  readonly copyInBatches: Summary
  /** Runner rates over the batched copy's rate, per repetition. */
  readonly ratios: {
    readonly targets: Summary
    readonly executions: Summary
    readonly both: Summary
  }
}

/**
 * Fills the store; as warm-up, runs `warmUpBatches` batches of each projection and of the
 * batched copy; then, `repetitions` times, catches both projections up from the first event and
 * copies the events both ways. Before each pass the projections are rebuilt (tables emptied,
 * checkpoint dropped) and the read table is emptied.
 */
export const runCatchUp = (events: number, repetitions: number, warmUpBatches: number) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const store = yield* SqlEventStore.make
    const projections = [TargetsProjection, ExecutionsProjection]
    yield* sql`TRUNCATE eventstore.events2, eventstore.unique_constraints`
    yield* Runner.initProjections(projections)

    const { fill, planned } = plan(events)
    const appends = chunk(planned, 100).map(toAppend)
    const filled = yield* timed(
      Effect.forEach(appends, (a) => store.append(a.events, a.expectations), { discard: true })
    )

    const rates = {
      targets: [] as Array<number>,
      executions: [] as Array<number>,
      both: [] as Array<number>,
      copyAtOnce: [] as Array<number>,
      copyInBatches: [] as Array<number>
    }
    const ratios = {
      targets: [] as Array<number>,
      executions: [] as Array<number>,
      both: [] as Array<number>
    }
    const reset = Effect.zipRight(
      Effect.forEach(projections, Runner.rebuild, { discard: true }),
      resetReadTable
    )
    yield* reset
    yield* catchUp(TargetsProjection, warmUpBatches)
    yield* catchUp(ExecutionsProjection, warmUpBatches)
    yield* copyInBatches(warmUpBatches)

    for (let repetition = 0; repetition < repetitions; repetition++) {
      yield* reset
      const targets = yield* timed(catchUp(TargetsProjection))
      const executions = yield* timed(catchUp(ExecutionsProjection))
      const batched = yield* timed(copyInBatches())
      yield* check(fill)
      yield* resetReadTable
      const atOnce = yield* timed(copyAtOnce)

      const copyRate = perSecond(fill.events, batched.ms)
      const runnerRates = {
        targets: perSecond(fill.events, targets.ms),
        executions: perSecond(fill.events, executions.ms),
        both: perSecond(fill.events, targets.ms + executions.ms)
      }
      rates.targets.push(runnerRates.targets)
      rates.executions.push(runnerRates.executions)
      rates.both.push(runnerRates.both)
      rates.copyInBatches.push(copyRate)
      rates.copyAtOnce.push(perSecond(fill.events, atOnce.ms))
      ratios.targets.push(runnerRates.targets / copyRate)
      ratios.executions.push(runnerRates.executions / copyRate)
      ratios.both.push(runnerRates.both / copyRate)
    }
    return {
      fill,
      fillRate: perSecond(fill.events, filled.ms),
      targets: summarize(rates.targets),
      executions: summarize(rates.executions),
      both: summarize(rates.both),
      copyAtOnce: summarize(rates.copyAtOnce),
      copyInBatches: summarize(rates.copyInBatches),
      ratios: {
        targets: summarize(ratios.targets),
        executions: summarize(ratios.executions),
        both: summarize(ratios.both)
      }
    } satisfies CatchUpResult
  })
