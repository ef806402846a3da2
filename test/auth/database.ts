/**
 * The database the auth suites run on: the embedded PGlite by default; with DATABASE_URL set,
 * a fresh PostgreSQL database created on that server for the test file and dropped afterwards.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import type { SqlClient, SqlError } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import * as PgliteClient from "../../packages/adapters/src/sql/PgliteClient.js"

const freshPostgres = (baseUrl: string, name: string) =>
  Layer.unwrapScoped(
    Effect.gen(function*() {
      const admin = yield* PgClient.make({ url: Redacted.make(baseUrl), maxConnections: 1 })
      const database = `idn_${name}_${process.pid}_${Date.now().toString(36)}`
      yield* admin`CREATE DATABASE ${admin(database)}`
      yield* Effect.addFinalizer(() =>
        Effect.ignore(admin`DROP DATABASE IF EXISTS ${admin(database)} WITH (FORCE)`)
      )
      const url = new URL(baseUrl)
      url.pathname = `/${database}`
      return PgClient.layer({ url: Redacted.make(url.toString()), maxConnections: 2 })
    })
  ).pipe(Layer.provide(Reactivity.layer))

export const testDatabase = (name: string): Layer.Layer<SqlClient.SqlClient, SqlError.SqlError> => {
  const url = process.env["DATABASE_URL"]
  return url !== undefined && url !== "" ? freshPostgres(url, name) : PgliteClient.layer()
}
