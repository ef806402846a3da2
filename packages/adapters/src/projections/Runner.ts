import {
  comparePositions,
  type EventStoreError,
  origin,
  type Position,
  Projections
} from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Cause, Deferred, Duration, Effect, Layer, Option, Queue, Ref } from "effect"
import { readEventsAfter } from "../eventstore/SqlEventStore.js"
import type { Projection } from "./Projection.js"

/**
 * First key of the two-part advisory locks taken on projection names; the event store's
 * one-part aggregate locks live in a separate key space.
 */
const projectionLockSpace = 0x43_54_44_4c
/** Key of the advisory lock serialising `initProjections` across processes. */
const initLock = 7_164_029_318_552_002n

/** What one batch did. */
export interface BatchResult {
  /** Another process held the projection's lock; this batch did nothing. */
  readonly skipped: boolean
  /** Events read after the checkpoint, whether the projection handles their type or not. */
  readonly processed: number
  /** Events handed to the projection's `apply`. */
  readonly applied: number
  /** The checkpoint after the batch. */
  readonly checkpoint: Position
}

interface CheckpointRow {
  readonly projection_name: string
  readonly position: number | string
  readonly in_tx_order: number | string
}

const toPosition = (row: CheckpointRow): Position => ({
  position: Number(row.position),
  inTxOrder: Number(row.in_tx_order)
})

/** Runs every projection's `init` DDL, one process at a time. */
export const initProjections = (
  projections: ReadonlyArray<Projection>
): Effect.Effect<void, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql.withTransaction(
      Effect.gen(function*() {
        yield* sql`SELECT pg_advisory_xact_lock(${String(initLock)}::bigint)`
        for (const projection of projections) {
          for (const statement of projection.init) yield* sql.unsafe(statement)
        }
      })
    )
  })

/** The projection's checkpoint; the origin when it has not run yet. */
export const readCheckpoint = (
  name: string
): Effect.Effect<Position, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<CheckpointRow>`
      SELECT projection_name, position, in_tx_order
      FROM projections.current_states
      WHERE projection_name = ${name}
    `
    return rows.length === 0 ? origin : toPosition(rows[0]!)
  })

/**
 * Applies up to `limit` events after the projection's checkpoint and moves the checkpoint, all
 * in one transaction. Returns at once, skipped, when another process is running the same
 * projection. Any failure rolls the whole batch back, checkpoint included, so the next batch
 * starts from the same event and every event is applied exactly once.
 */
export const runBatch = (
  projection: Projection,
  limit: number
): Effect.Effect<BatchResult, SqlError | EventStoreError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function*() {
        const [lock] = yield* sql<{ readonly locked: boolean }>`
          SELECT pg_try_advisory_xact_lock(
            ${projectionLockSpace}::integer,
            hashtext(${projection.name})
          ) AS locked
        `
        if (lock?.locked !== true) {
          return { skipped: true, processed: 0, applied: 0, checkpoint: origin }
        }

        const rows = yield* sql<CheckpointRow>`
          SELECT projection_name, position, in_tx_order
          FROM projections.current_states
          WHERE projection_name = ${projection.name}
          FOR UPDATE
        `
        if (rows.length === 0) {
          yield* sql`
            INSERT INTO projections.current_states
              (projection_name, position, in_tx_order, last_updated)
            VALUES (${projection.name}, 0, 0, now())
          `
        }
        const from = rows.length === 0 ? origin : toPosition(rows[0]!)

        // Unfiltered, so that the checkpoint also moves past events the projection ignores.
        const events = yield* readEventsAfter(from, limit)
        let applied = 0
        for (const event of events) {
          if (!projection.eventTypes.includes(event.type)) continue
          yield* projection.apply(event)
          applied++
        }

        const last = events.at(-1)
        if (last === undefined) {
          return { skipped: false, processed: 0, applied: 0, checkpoint: from }
        }
        yield* sql`
          UPDATE projections.current_states
          SET position = ${last.position.position},
            in_tx_order = ${last.position.inTxOrder},
            last_updated = now()
          WHERE projection_name = ${projection.name}
        `
        return { skipped: false, processed: events.length, applied, checkpoint: last.position }
      })
    )
  })

/**
 * Empties the projection's tables and forgets its checkpoint, so that it is built again from
 * the first event. Waits for a batch running elsewhere to finish.
 */
export const rebuild = (
  projection: Projection
): Effect.Effect<void, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql.withTransaction(
      Effect.gen(function*() {
        yield* sql`
          SELECT pg_advisory_xact_lock(
            ${projectionLockSpace}::integer,
            hashtext(${projection.name})
          )
        `
        for (const table of projection.tables) yield* sql.unsafe(`DELETE FROM ${table}`)
        yield* sql`
          DELETE FROM projections.current_states WHERE projection_name = ${projection.name}
        `
      })
    )
  })

export interface RunnerOptions {
  /** How long the runner sleeps when caught up and nobody wakes it. */
  readonly pollInterval: Duration.DurationInput
  /** Events per batch (one transaction); 100 when absent. */
  readonly batchSize?: number | undefined
  /** Longest wait of `awaitPosition`; 10 seconds when absent. */
  readonly awaitTimeout?: Duration.DurationInput | undefined
}

const backoffBase = Duration.millis(100)
const backoffMax = Duration.seconds(10)

/** 100 ms after the first failed round, doubling per failed round, at most 10 s. */
const backoff = (failedRounds: number): Duration.Duration =>
  Duration.min(Duration.times(backoffBase, 2 ** Math.min(failedRounds - 1, 16)), backoffMax)

const describeFailure = (cause: Cause.Cause<SqlError | EventStoreError>) => {
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure)) {
    return { error: Cause.isInterruptedOnly(cause) ? "interrupted" : "defect" }
  }
  const error = failure.value
  const underlying = error.cause
  const code = typeof underlying === "object" && underlying !== null && "code" in underlying
    ? String(underlying.code)
    : undefined
  return code === undefined ? { error: error._tag } : { error: error._tag, sql_state: code }
}

/**
 * Runs the projections in a background fiber for as long as the layer lives: batches until
 * every projection has caught up, then sleeps for the poll interval or until woken. A failed
 * batch is logged (projection name and error kind, never event data) and retried after a
 * growing pause. Any number of processes may run the same projections: a lock per projection
 * lets one of them work on it at a time.
 *
 * Provides `Projections`: `awaitPosition` wakes the runner and resolves once every projection's
 * checkpoint has reached the position. It gives up after `awaitTimeout` (10 s by default) and
 * returns anyway, so a stuck read model delays a caller but never blocks it; the caller then
 * reads a read model that may not include its events yet.
 */
export const layer = (
  projections: ReadonlyArray<Projection>,
  options: RunnerOptions
): Layer.Layer<Projections, SqlError, SqlClient.SqlClient> =>
  Layer.scoped(
    Projections,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const batchSize = options.batchSize ?? 100
      const awaitTimeout = options.awaitTimeout ?? Duration.seconds(10)
      yield* initProjections(projections)

      const wake = yield* Queue.sliding<void>(1)
      const roundDone = yield* Ref.make(yield* Deferred.make<void>())

      const catchUp = (projection: Projection) =>
        Effect.gen(function*() {
          while (true) {
            const result = yield* runBatch(projection, batchSize)
            if (result.skipped || result.processed < batchSize) return
          }
        })

      const round = Effect.gen(function*() {
        let failed = 0
        for (const projection of projections) {
          yield* catchUp(projection).pipe(
            Effect.catchAllCause((cause) =>
              Effect.logWarning("Projection batch failed").pipe(
                Effect.annotateLogs({ projection: projection.name, ...describeFailure(cause) }),
                Effect.zipRight(Effect.sync(() => failed++))
              )
            )
          )
        }
        const done = yield* Ref.getAndSet(roundDone, yield* Deferred.make<void>())
        yield* Deferred.succeed(done, undefined)
        return failed
      })

      const loop = Effect.gen(function*() {
        let failedRounds = 0
        while (true) {
          const failed = yield* round
          failedRounds = failed > 0 ? failedRounds + 1 : 0
          if (failedRounds > 0) {
            yield* Effect.sleep(backoff(failedRounds))
          } else {
            yield* Queue.take(wake).pipe(Effect.timeoutOption(options.pollInterval))
          }
        }
      })
      yield* Effect.forkScoped(Effect.provideService(loop, SqlClient.SqlClient, sql))

      const names = projections.map((projection) => projection.name)
      const reached = (position: Position) =>
        Effect.gen(function*() {
          if (names.length === 0) return true
          const rows = yield* sql<CheckpointRow>`
            SELECT projection_name, position, in_tx_order
            FROM projections.current_states
            WHERE ${sql.in("projection_name", names)}
          `
          const checkpoints = new Map(rows.map((row) => [row.projection_name, toPosition(row)]))
          return names.every((name) =>
            comparePositions(checkpoints.get(name) ?? origin, position) >= 0
          )
        }).pipe(Effect.orElseSucceed(() => false))

      // The checkpoints are read from the database, so that progress made by another process
      // counts too; between reads the caller waits for this runner's next round, at most 50 ms.
      const awaitPosition = (position: Position) =>
        Effect.gen(function*() {
          while (!(yield* reached(position))) {
            const next = yield* Ref.get(roundDone)
            yield* Queue.offer(wake, undefined)
            yield* Deferred.await(next).pipe(Effect.timeoutOption(Duration.millis(50)))
          }
        }).pipe(Effect.timeoutOption(awaitTimeout), Effect.asVoid)

      return { awaitPosition }
    })
  )
