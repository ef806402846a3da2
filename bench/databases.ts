/**
 * The two databases the benchmarks run on, each fresh and migrated: an in-memory PGlite, and a
 * new database on the PostgreSQL server named by DATABASE_URL, dropped again afterwards.
 */
import { migrate } from "@citadel/adapters/sql/migrations"
import * as PgliteClient from "@citadel/adapters/sql/PgliteClient"
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted, type Scope } from "effect"
import { randomUUID } from "node:crypto"

export interface Backend {
  readonly name: string
  readonly layer: Layer.Layer<SqlClient.SqlClient, SqlError>
}

/** The server's version string, e.g. `PostgreSQL 17.5 on x86_64…`, cut before the build. */
export const serverVersion: Effect.Effect<string, SqlError, SqlClient.SqlClient> = Effect.gen(
  function*() {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ readonly version: string }>`SELECT version() AS version`
    return (row?.version ?? "unknown").split(",")[0]!.replace(/ on \S+$/, "")
  }
)

export const pglite: Backend = {
  name: "PGlite",
  layer: Layer.effectDiscard(migrate).pipe(Layer.provideMerge(PgliteClient.layer()))
}

const onServer = <A>(
  url: string,
  statement: (sql: SqlClient.SqlClient) => Effect.Effect<A, SqlError>
): Effect.Effect<A, SqlError> =>
  Effect.flatMap(SqlClient.SqlClient, statement).pipe(
    Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 }))
  )

/**
 * Creates `bench_<random>` on the server (connecting to the URL's own database only to create
 * and drop it) and returns the new database's URL; the database is dropped when the scope ends.
 */
const freshDatabase = (serverUrl: string): Effect.Effect<string, SqlError, Scope.Scope> => {
  const name = `bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`
  return Effect.acquireRelease(
    onServer(serverUrl, (sql) => sql.unsafe(`CREATE DATABASE ${name}`)).pipe(
      Effect.map(() => {
        const url = new URL(serverUrl)
        url.pathname = `/${name}`
        return url.toString()
      })
    ),
    () =>
      onServer(serverUrl, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).pipe(
        Effect.orDie
      )
  )
}

export const postgres = (serverUrl: string): Backend => ({
  name: "PostgreSQL",
  layer: Layer.unwrapScoped(
    Effect.map(freshDatabase(serverUrl), (url) =>
      Layer.effectDiscard(migrate).pipe(
        Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 2 }))
      ))
  )
})
