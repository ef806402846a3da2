/**
 * Test support for the read models: the database the suites run on, table setup and reset, and
 * hand-made stored events.
 *
 * The database is the embedded PGlite by default. With DATABASE_URL set, each test file gets a
 * fresh PostgreSQL database created from that server and dropped afterwards.
 */
import type { JsonPayload, StoredEvent } from "@citadel/domain"
import * as Reactivity from "@effect/experimental/Reactivity"
import { SqlClient, type SqlError } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import type { Projection } from "../../src/projections/Projection.js"
import * as PgliteClient from "../../src/sql/PgliteClient.js"

/** A fresh PostgreSQL database on the server of `baseUrl`, dropped when the layer is released. */
const freshPostgres = (baseUrl: string, name: string) =>
  Layer.unwrapScoped(
    Effect.gen(function*() {
      const admin = yield* PgClient.make({ url: Redacted.make(baseUrl) })
      const database = `rm_${name}_${process.pid}`
      yield* admin`DROP DATABASE IF EXISTS ${admin(database)}`
      yield* admin`CREATE DATABASE ${admin(database)}`
      yield* Effect.addFinalizer(() =>
        Effect.orDie(admin`DROP DATABASE IF EXISTS ${admin(database)} WITH (FORCE)`)
      )
      const url = new URL(baseUrl)
      url.pathname = `/${database}`
      return PgClient.layer({ url: Redacted.make(url.toString()), maxConnections: 2 })
    })
  ).pipe(Layer.provide(Reactivity.layer))

/** The SqlClient of one test file; `name` keeps parallel files' databases apart. */
export const testDatabase = (name: string): Layer.Layer<SqlClient.SqlClient, SqlError.SqlError> => {
  const url = process.env["DATABASE_URL"]
  return url !== undefined && url !== ""
    ? freshPostgres(url, name)
    : PgliteClient.layer()
}

/** The database with the projections' tables created. */
export const withProjections = (
  name: string,
  projections: ReadonlyArray<Projection>
): Layer.Layer<SqlClient.SqlClient, SqlError.SqlError> =>
  Layer.effectDiscard(
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      for (const projection of projections) {
        for (const statement of projection.init) {
          yield* sql.unsafe(statement)
        }
      }
    })
  ).pipe(Layer.provideMerge(testDatabase(name)))

/** Empties the projections' tables, so each test starts from no rows. */
export const reset = (projections: ReadonlyArray<Projection>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    for (const projection of projections) {
      for (const table of projection.tables) {
        yield* sql.unsafe(`DELETE FROM ${table}`)
      }
    }
  })

/** Applies each event to every projection that subscribes to its type, in order. */
export const applyAll = (
  projections: ReadonlyArray<Projection>,
  events: ReadonlyArray<StoredEvent>
) =>
  Effect.forEach(events, (event) =>
    Effect.forEach(
      projections.filter((projection) => projection.eventTypes.includes(event.type)),
      (projection) => projection.apply(event),
      { discard: true }
    ), { discard: true })

/** Minute `n` of a fixed day, so dates in assertions are exact. */
export const at = (minute: number): Date => new Date(Date.UTC(2025, 0, 1, 0, minute))

export interface EventSpec {
  readonly instanceId?: string
  readonly aggregateType: string
  readonly aggregateId: string
  readonly type: string
  readonly payload?: JsonPayload | null
  readonly sequence: number
  readonly minute: number
}

let position = 0

/** A stored event as the event store would hand it to a projection. */
export const stored = (spec: EventSpec): StoredEvent => {
  const instanceId = spec.instanceId ?? "inst1"
  position += 1
  return {
    aggregate: {
      instanceId,
      type: spec.aggregateType,
      id: spec.aggregateId,
      owner: instanceId,
      version: 1
    },
    type: spec.type,
    payload: spec.payload ?? null,
    creator: "user1",
    createdAt: at(spec.minute),
    sequence: spec.sequence,
    position: { position, inTxOrder: 0 }
  }
}
