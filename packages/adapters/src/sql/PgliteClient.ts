import * as Reactivity from "@effect/experimental/Reactivity"
import { PGlite, type Results } from "@electric-sql/pglite"
import { SqlClient } from "@effect/sql"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import { makeCompiler } from "@effect/sql-pg/PgClient"
import { Context, Effect, Layer, type Scope, Stream } from "effect"

/**
 * An `@effect/sql` client over an embedded PGlite database. It compiles statements as the
 * PostgreSQL client does and transforms no names, so the same SQL runs on both.
 */
export interface PgliteClient extends SqlClient.SqlClient {
  readonly pglite: PGlite
}

export const PgliteClient = Context.GenericTag<PgliteClient>("citadel/PgliteClient")

export interface PgliteClientConfig {
  /** Where the database files live; in memory when absent. */
  readonly dataDir?: string | undefined
}

const failed = (cause: unknown) => new SqlError({ cause, message: "Failed to execute statement" })

const attempt = <A>(run: () => Promise<A>): Effect.Effect<A, SqlError> =>
  Effect.tryPromise({ try: run, catch: failed })

const makeConnection = (db: PGlite): Connection => {
  const rows = (sql: string, params: ReadonlyArray<unknown>) =>
    attempt(() => db.query<object>(sql, [...params])).pipe(
      Effect.map((result) => result.rows)
    )
  const transformed = (
    sql: string,
    params: ReadonlyArray<unknown>,
    transformRows: (<A extends object>(row: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined
  ) =>
    transformRows === undefined
      ? rows(sql, params)
      : Effect.map(rows(sql, params), transformRows)

  return {
    execute: transformed,
    executeRaw: (sql, params) => attempt(() => db.query(sql, [...params])),
    executeValues: (sql, params) =>
      attempt(() => db.query<Array<unknown>>(sql, [...params], { rowMode: "array" })).pipe(
        Effect.map((result) => result.rows)
      ),
    // Without parameters the simple protocol runs, which accepts several statements (DDL
    // scripts); the rows of the last one are returned.
    executeUnprepared: (sql, params, transformRows) => {
      const run = params.length > 0
        ? rows(sql, params)
        : attempt(() => db.exec(sql)).pipe(
          Effect.map((results: Array<Results>) => (results.at(-1)?.rows ?? []) as Array<object>)
        )
      return transformRows === undefined ? run : Effect.map(run, transformRows)
    },
    executeStream: (sql, params, transformRows) =>
      Stream.fromIterableEffect(transformed(sql, params, transformRows))
  }
}

/**
 * Builds the client over an open database. PGlite is a single connection, so every statement
 * outside a transaction, and every transaction as a whole, holds one permit: a transaction has
 * the database to itself while others wait, and nested transactions become savepoints.
 */
export const fromPglite = (
  db: PGlite
): Effect.Effect<PgliteClient, never, Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const permit = yield* Effect.makeSemaphore(1)
    const connection = makeConnection(db)
    // Waiting for the permit stays interruptible; once taken, its release is always registered.
    const acquire = Effect.uninterruptibleMask((restore) =>
      restore(permit.take(1)).pipe(
        Effect.zipRight(Effect.addFinalizer(() => permit.release(1))),
        Effect.as(connection)
      )
    )
    const client = yield* SqlClient.make({
      acquirer: acquire,
      transactionAcquirer: acquire,
      compiler: makeCompiler(),
      spanAttributes: [["db.system.name", "postgresql"]]
    })
    return Object.assign(client, { pglite: db })
  })

/** Opens the database and closes it when the scope ends. */
export const make = (
  config: PgliteClientConfig = {}
): Effect.Effect<PgliteClient, SqlError, Reactivity.Reactivity | Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => PGlite.create(config.dataDir),
      catch: (cause) => new SqlError({ cause, message: "Failed to open the embedded database" })
    }),
    (db) => Effect.promise(() => db.close())
  ).pipe(Effect.flatMap(fromPglite))

/** A `SqlClient` (and `PgliteClient`) over PGlite, closed when the layer is released. */
export const layer = (
  config: PgliteClientConfig = {}
): Layer.Layer<PgliteClient | SqlClient.SqlClient, SqlError> =>
  Layer.scopedContext(
    Effect.map(make(config), (client) =>
      Context.make(PgliteClient, client).pipe(Context.add(SqlClient.SqlClient, client)))
  ).pipe(Layer.provide(Reactivity.layer))
