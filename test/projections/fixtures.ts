import type { Projection } from "@citadel/adapters/projections/Projection"
import * as SqlEventStore from "@citadel/adapters/eventstore/SqlEventStore"
import { EventStore, type PendingEvent, type StoredEvent } from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Deferred, Effect, HashMap, Logger } from "effect"

export const appliedTable = "projections.es_test_applied"
export const logTable = "projections.es_test_log"

export interface RecordingOptions {
  readonly name?: string
  /** The `apply` call (1-based) that fails, once, after writing part of its rows. */
  readonly failOnce?: number
  /** Every `apply` fails. */
  readonly failAlways?: boolean
  /** The first `apply` signals `entered`, then waits for `release`. */
  readonly hold?: {
    readonly entered: Deferred.Deferred<void>
    readonly release: Deferred.Deferred<void>
  }
}

const injected = () => new SqlError({ message: "injected failure" })

/**
 * A projection recording each handled event twice: in a table keyed by the event (a second
 * application of an event fails on the key) and in a log without a key (counts applications).
 * It handles `user.added` and `user.changed` and ignores `user.noted`.
 */
export const recording = (options: RecordingOptions = {}): Projection => {
  let calls = 0
  return {
    name: options.name ?? "es_test.recording",
    init: [
      `CREATE TABLE IF NOT EXISTS ${appliedTable} (
        instance_id text NOT NULL,
        aggregate_id text NOT NULL,
        "sequence" bigint NOT NULL,
        event_type text NOT NULL,
        PRIMARY KEY (instance_id, aggregate_id, "sequence")
      )`,
      `CREATE TABLE IF NOT EXISTS ${logTable} (
        aggregate_id text NOT NULL,
        "sequence" bigint NOT NULL
      )`
    ],
    tables: [appliedTable, logTable],
    eventTypes: ["user.added", "user.changed"],
    apply: (event: StoredEvent) =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        calls++
        if (calls === 1 && options.hold !== undefined) {
          yield* Deferred.succeed(options.hold.entered, undefined)
          yield* Deferred.await(options.hold.release)
        }
        yield* sql`
          INSERT INTO projections.es_test_log (aggregate_id, "sequence")
          VALUES (${event.aggregate.id}, ${event.sequence})
        `
        if (options.failAlways === true || calls === options.failOnce) {
          return yield* Effect.fail(injected())
        }
        yield* sql`
          INSERT INTO projections.es_test_applied
            (instance_id, aggregate_id, "sequence", event_type)
          VALUES (
            ${event.aggregate.instanceId},
            ${event.aggregate.id},
            ${event.sequence},
            ${event.type}
          )
        `
      })
  }
}

const createdAt = new Date("2024-05-01T10:00:00.000Z")

export const event = (id: string, type: string): PendingEvent => ({
  aggregate: { instanceId: "instance-1", type: "user", id, owner: "org-1", version: 1 },
  type,
  payload: { id },
  creator: "SYSTEM",
  createdAt,
  constraints: []
})

/** Appends the given batches through the SQL event store on the client in context. */
export const appendAll = (batches: ReadonlyArray<ReadonlyArray<PendingEvent>>) =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const stored: Array<StoredEvent> = []
    for (const batch of batches) stored.push(...(yield* store.append(batch, [])))
    return stored
  }).pipe(Effect.provide(SqlEventStore.layer))

/** Ten events in three appends; seven of them are handled by `recording`. */
export const seed = appendAll([
  [event("a", "user.added"), event("a", "user.noted"), event("b", "user.added")],
  [event("a", "user.changed"), event("c", "user.added"), event("b", "user.noted")],
  [
    event("a", "user.changed"),
    event("c", "user.noted"),
    event("b", "user.changed"),
    event("c", "user.changed")
  ]
])

export const handled = (events: ReadonlyArray<StoredEvent>) =>
  events
    .filter((e) => e.type !== "user.noted")
    .map((e) => ({ aggregate_id: e.aggregate.id, sequence: e.sequence, event_type: e.type }))

/** Rows of the keyed table, in a stable order. */
export const appliedRows = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ aggregate_id: string; sequence: number | string; event_type: string }>`
    SELECT aggregate_id, "sequence", event_type FROM projections.es_test_applied
    ORDER BY aggregate_id, "sequence"
  `
  return rows.map((row) => ({ ...row, sequence: Number(row.sequence) }))
})

export const byAggregate = <A extends { aggregate_id: string; sequence: number }>(
  rows: ReadonlyArray<A>
) =>
  [...rows].sort((a, b) =>
    a.aggregate_id !== b.aggregate_id
      ? (a.aggregate_id < b.aggregate_id ? -1 : 1)
      : a.sequence - b.sequence
  )

export interface LogEntry {
  readonly level: string
  readonly message: string
  readonly annotations: Record<string, unknown>
}

/** A logger keeping entries in `entries`, to replace the default one in a test. */
export const capturingLogger = (entries: Array<LogEntry>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ annotations, logLevel, message }) => {
      entries.push({
        level: logLevel.label,
        message: Array.isArray(message) ? message.join(" ") : String(message),
        annotations: Object.fromEntries(HashMap.toEntries(annotations))
      })
    })
  )
