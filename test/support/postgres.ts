import { migrate } from "@citadel/adapters/sql/migrations"
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Layer, Redacted, type Scope } from "effect"
import { randomUUID } from "node:crypto"

/** The server the PostgreSQL suites run against; they are skipped when it is not set. */
export const databaseUrl: string | undefined = process.env.DATABASE_URL

/** Where a fresh test database lives. */
export class TestDatabase extends Context.Tag("test/TestDatabase")<TestDatabase, {
  readonly url: string
}>() {}

const serverUrl = (): string => {
  if (databaseUrl === undefined) throw new Error("DATABASE_URL is not set")
  return databaseUrl
}

const withServer = <A>(
  statement: (sql: SqlClient.SqlClient) => Effect.Effect<A, SqlError>
): Effect.Effect<A, SqlError> =>
  Effect.suspend(() =>
    Effect.flatMap(SqlClient.SqlClient, statement).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(serverUrl()), maxConnections: 1 }))
    )
  )

/**
 * Creates an empty database named `<prefix>_<random>` on the DATABASE_URL server (connecting
 * through the URL's database only to create and drop it) and drops it when the scope closes.
 */
export const freshDatabase = (prefix: string): Effect.Effect<string, SqlError, Scope.Scope> => {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`bad database prefix ${prefix}`)
  const name = `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 12)}`
  return Effect.acquireRelease(
    withServer((sql) => sql.unsafe(`CREATE DATABASE ${name}`)).pipe(
      Effect.map(() => {
        const url = new URL(serverUrl())
        url.pathname = `/${name}`
        return url.toString()
      })
    ),
    () =>
      withServer((sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).pipe(
        Effect.orDie
      )
  )
}

/** A client with its own connection pool on the database at `url`. */
export const clientLayer = (
  url: string,
  maxConnections = 10
): Layer.Layer<SqlClient.SqlClient | PgClient.PgClient, SqlError> =>
  PgClient.layer({ url: Redacted.make(url), maxConnections })

/**
 * A fresh database with the event store schema, a client on it, and its URL (to open more
 * pools on it). Share one per test file.
 */
export const layer = (
  prefix: string
): Layer.Layer<SqlClient.SqlClient | PgClient.PgClient | TestDatabase, SqlError> =>
  Layer.unwrapScoped(
    Effect.map(freshDatabase(prefix), (url) =>
      Layer.effectDiscard(migrate).pipe(
        Layer.provideMerge(clientLayer(url)),
        Layer.merge(Layer.succeed(TestDatabase, { url }))
      ))
  )
