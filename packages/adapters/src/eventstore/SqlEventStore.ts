import {
  type AggregateKey,
  alreadyExists,
  ConcurrencyConflict,
  type DomainError,
  type EventFilter,
  EventStore,
  EventStoreError,
  type EventStoreService,
  type Expectation,
  type JsonPayload,
  type PendingEvent,
  type Position,
  type StoredEvent,
  type TypeExpectation,
  type UniqueConstraint,
  wholeType
} from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import type * as Statement from "@effect/sql/Statement"
import { Effect, Layer } from "effect"
import { aggregateKey, distinctAggregates, lockKey, toAggregateKey } from "./keys.js"

/** A row of `eventstore.events2` as the drivers return it (numbers may arrive as strings). */
interface EventRow {
  readonly instance_id: string
  readonly aggregate_type: string
  readonly aggregate_id: string
  readonly event_type: string
  readonly sequence: number | string
  readonly revision: number | string
  readonly created_at: Date | string
  readonly payload: unknown
  readonly creator: string
  readonly owner: string
  readonly position: number | string
  readonly in_tx_order: number | string
}

const corrupt = (cause: unknown) => new EventStoreError({ reason: "corrupt-event", cause })

const toNumber = (value: number | string, column: string): number => {
  const number = typeof value === "number" ? value : Number(value)
  if (!Number.isFinite(number)) throw new Error(`column ${column} holds no number`)
  return number
}

const toPayload = (value: unknown): JsonPayload | null => {
  if (value === null || value === undefined) return null
  if (typeof value === "object" && !Array.isArray(value)) return value as JsonPayload
  throw new Error("column payload holds no JSON object")
}

const toDate = (value: Date | string): Date => {
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) throw new Error("column created_at holds no time")
  return date
}

const toStoredEvent = (row: EventRow): StoredEvent => ({
  aggregate: {
    instanceId: row.instance_id,
    type: row.aggregate_type,
    id: row.aggregate_id,
    owner: row.owner,
    version: toNumber(row.revision, "revision")
  },
  type: row.event_type,
  payload: toPayload(row.payload),
  creator: row.creator,
  createdAt: toDate(row.created_at),
  sequence: toNumber(row.sequence, "sequence"),
  position: {
    position: toNumber(row.position, "position"),
    inTxOrder: toNumber(row.in_tx_order, "in_tx_order")
  }
})

const decodeRows = (rows: ReadonlyArray<EventRow>) =>
  Effect.try({ try: () => rows.map(toStoredEvent), catch: corrupt })

const selectColumns = `instance_id, aggregate_type, aggregate_id, event_type, "sequence", revision,
  created_at, payload, creator, owner, position, in_tx_order`

/**
 * Up to `limit` events after `after`, in global order, on the current connection (inside the
 * caller's transaction when there is one).
 *
 * A position is the id of the transaction that wrote the event, and ids are handed out when a
 * transaction starts writing, not when it commits: a transaction with a smaller id can commit
 * after one with a larger id was already read. Reading only positions below the oldest
 * transaction still running (`pg_snapshot_xmin`) returns only events whose writers have all
 * finished, so nothing can later appear before a position a reader has passed.
 */
export const readEventsAfter = (
  after: Position,
  limit: number
): Effect.Effect<ReadonlyArray<StoredEvent>, SqlError | EventStoreError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<EventRow>`
      SELECT ${sql.literal(selectColumns)}
      FROM eventstore.events2
      WHERE (position, in_tx_order) > (${after.position}::numeric, ${after.inTxOrder}::integer)
        AND position < pg_snapshot_xmin(pg_current_snapshot())::text::numeric
      ORDER BY position, in_tx_order
      LIMIT ${limit}
    `
    return yield* decodeRows(rows)
  })

const readFiltered = (
  filter: EventFilter
): Effect.Effect<ReadonlyArray<StoredEvent>, SqlError | EventStoreError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    if (filter.aggregateIds?.length === 0 || filter.eventTypes?.length === 0) return []
    const clauses: Array<Statement.Fragment> = [
      sql`instance_id = ${filter.instanceId}`,
      sql`aggregate_type = ${filter.aggregateType}`
    ]
    if (filter.aggregateIds !== undefined) clauses.push(sql.in("aggregate_id", filter.aggregateIds))
    if (filter.eventTypes !== undefined) clauses.push(sql.in("event_type", filter.eventTypes))
    const rows = yield* sql<EventRow>`
      SELECT ${sql.literal(selectColumns)}
      FROM eventstore.events2
      WHERE ${sql.and(clauses)}
      ORDER BY aggregate_id COLLATE "C", "sequence"
    `
    return yield* decodeRows(rows)
  })

const latestSequences = (aggregates: ReadonlyArray<AggregateKey>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{
      readonly instance_id: string
      readonly aggregate_type: string
      readonly aggregate_id: string
      readonly sequence: number | string
    }>`
      SELECT instance_id, aggregate_type, aggregate_id, max("sequence") AS "sequence"
      FROM eventstore.events2
      WHERE ${
      sql.or(aggregates.map((a) =>
        sql`(instance_id = ${a.instanceId}
          AND aggregate_type = ${a.type}
          AND aggregate_id = ${a.id})`
      ))
    }
      GROUP BY instance_id, aggregate_type, aggregate_id
    `
    const latest = new Map<string, number>()
    for (const row of rows) {
      const key = aggregateKey({
        instanceId: row.instance_id,
        type: row.aggregate_type,
        id: row.aggregate_id
      })
      latest.set(key, Number(row.sequence))
    }
    return latest
  })

type AddConstraint = Extract<UniqueConstraint, { readonly action: "add" }>

const removeConstraints = (instanceId: string, removed: ReadonlyArray<UniqueConstraint>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`
      DELETE FROM eventstore.unique_constraints
      WHERE instance_id = ${instanceId}
        AND (unique_type, unique_field) IN (${
      sql.csv(removed.map((c) => sql`(${c.type}, ${c.field})`))
    })
    `)

/** Takes the constraints in one statement; the first one already taken fails the append. */
const addConstraints = (instanceId: string, added: ReadonlyArray<AddConstraint>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ readonly unique_type: string; readonly unique_field: string }>`
      INSERT INTO eventstore.unique_constraints ${
      sql.insert(added.map((c) => ({
        instance_id: instanceId,
        unique_type: c.type,
        unique_field: c.field
      })))
    }
      ON CONFLICT DO NOTHING
      RETURNING unique_type, unique_field
    `
    const taken = new Set(rows.map((row) => `${row.unique_type}\u0000${row.unique_field}`))
    const refused = added.find((c) => !taken.delete(`${c.type}\u0000${c.field}`))
    if (refused !== undefined) {
      return yield* Effect.fail(alreadyExists(refused.errorId, refused.message))
    }
  })

/**
 * Applies the events' unique constraints in order, batching each run of removals and each run
 * of additions into one statement (a rename removes the old name before it takes the new one).
 */
const applyConstraints = (events: ReadonlyArray<PendingEvent>) =>
  Effect.gen(function*() {
    const runs: Array<{
      readonly instanceId: string
      readonly action: "add" | "remove"
      readonly items: Array<UniqueConstraint>
    }> = []
    for (const event of events) {
      for (const constraint of event.constraints) {
        const last = runs.at(-1)
        const instanceId = event.aggregate.instanceId
        if (last?.action === constraint.action && last.instanceId === instanceId) {
          last.items.push(constraint)
        } else {
          runs.push({ instanceId, action: constraint.action, items: [constraint] })
        }
      }
    }
    for (const run of runs) {
      if (run.action === "remove") yield* removeConstraints(run.instanceId, run.items)
      else yield* addConstraints(run.instanceId, run.items as ReadonlyArray<AddConstraint>)
    }
  })

/** Fails unless each type still holds the number of events the writer read. */
const checkTypeExpectations = (expectations: ReadonlyArray<TypeExpectation>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    for (const expectation of expectations) {
      const [row] = yield* sql<{ readonly events: number | string }>`
        SELECT count(*) AS events FROM eventstore.events2
        WHERE instance_id = ${expectation.instanceId}
          AND aggregate_type = ${expectation.aggregateType}
      `
      const actual = Number(row?.events ?? 0)
      if (actual !== expectation.events) {
        return yield* Effect.fail(
          new ConcurrencyConflict({
            aggregate: wholeType(expectation.instanceId, expectation.aggregateType),
            expected: expectation.events,
            actual
          })
        )
      }
    }
  })

const appendInTransaction = (
  events: ReadonlyArray<PendingEvent>,
  expectations: ReadonlyArray<Expectation>,
  typeExpectations: ReadonlyArray<TypeExpectation>
) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const wholeTypes = typeExpectations.map((e) => wholeType(e.instanceId, e.aggregateType))
    const aggregates = distinctAggregates([
      ...expectations.map((e) => e.aggregate),
      ...events.map((e) => e.aggregate)
    ])
    if (aggregates.length === 0 && wholeTypes.length === 0) return []

    // Every writer locks its aggregates in ascending key order, so two writers never wait on
    // each other in a cycle.
    // A type expectation locks its whole type, so its writers take turns.
    const locked = [...aggregates, ...wholeTypes]
    const keys = [...new Set(locked.map(lockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    yield* sql`
      SELECT pg_advisory_xact_lock(key)
      FROM unnest(${`{${keys.join(",")}}`}::bigint[]) WITH ORDINALITY AS locks(key, n)
      ORDER BY n
    `

    yield* checkTypeExpectations(typeExpectations)
    const latest = yield* latestSequences(aggregates)
    for (const expectation of expectations) {
      const actual = latest.get(aggregateKey(expectation.aggregate)) ?? 0
      if (actual !== expectation.sequence) {
        return yield* Effect.fail(
          new ConcurrencyConflict({
            aggregate: toAggregateKey(expectation.aggregate),
            expected: expectation.sequence,
            actual
          })
        )
      }
    }
    if (events.length === 0) return []

    yield* applyConstraints(events)

    // An outer transaction may already have appended: continue its in-transaction order.
    const [tx] = yield* sql<{ readonly position: string; readonly next_order: number | string }>`
      SELECT pg_current_xact_id()::text AS position,
        COALESCE(
          (SELECT max(in_tx_order) + 1 FROM eventstore.events2
            WHERE position = pg_current_xact_id()::text::numeric),
          0
        ) AS next_order
    `
    const position = Number(tx!.position)
    const firstOrder = Number(tx!.next_order)

    const stored: Array<StoredEvent> = []
    for (const [index, event] of events.entries()) {
      const key = aggregateKey(event.aggregate)
      const sequence = (latest.get(key) ?? 0) + 1
      latest.set(key, sequence)
      stored.push({
        aggregate: event.aggregate,
        type: event.type,
        payload: event.payload,
        creator: event.creator,
        createdAt: event.createdAt,
        sequence,
        position: { position, inTxOrder: firstOrder + index }
      })
    }

    yield* sql`INSERT INTO eventstore.events2 ${
      sql.insert(stored.map((event) => ({
        instance_id: event.aggregate.instanceId,
        aggregate_type: event.aggregate.type,
        aggregate_id: event.aggregate.id,
        event_type: event.type,
        sequence: event.sequence,
        revision: event.aggregate.version,
        created_at: event.createdAt,
        payload: event.payload === null ? null : JSON.stringify(event.payload),
        creator: event.creator,
        owner: event.aggregate.owner,
        position: tx!.position,
        in_tx_order: event.position.inTxOrder
      })))
    }`
    return stored
  })

const unavailable = (cause: SqlError) => new EventStoreError({ reason: "unavailable", cause })

/** The event store over the `SqlClient` in context (PostgreSQL or PGlite). */
export const make: Effect.Effect<EventStoreService, never, SqlClient.SqlClient> = Effect.gen(
  function*() {
    const sql = yield* SqlClient.SqlClient
    const provide = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
      Effect.provideService(effect, SqlClient.SqlClient, sql)

    const append = (
      events: ReadonlyArray<PendingEvent>,
      expectations: ReadonlyArray<Expectation>,
      typeExpectations: ReadonlyArray<TypeExpectation> = []
    ): Effect.Effect<
      ReadonlyArray<StoredEvent>,
      ConcurrencyConflict | DomainError | EventStoreError
    > =>
      events.length === 0 && expectations.length === 0 && typeExpectations.length === 0
        ? Effect.succeed([])
        : sql.withTransaction(appendInTransaction(events, expectations, typeExpectations)).pipe(
          provide,
          Effect.catchTag("SqlError", (error) => Effect.fail(unavailable(error)))
        )

    return {
      append,
      read: (filter) =>
        readFiltered(filter).pipe(
          provide,
          Effect.catchTag("SqlError", (error) => Effect.fail(unavailable(error)))
        ),
      readAfter: (after, limit) =>
        readEventsAfter(after, limit).pipe(
          provide,
          Effect.catchTag("SqlError", (error) => Effect.fail(unavailable(error)))
        )
    } satisfies EventStoreService
  }
)

/** `EventStore` over the `SqlClient` in context; run `migrate` first. */
export const layer: Layer.Layer<EventStore, never, SqlClient.SqlClient> = Layer.effect(
  EventStore,
  make
)
