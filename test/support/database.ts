import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"

/**
 * Empties every table of the `eventstore` and `projections` schemas (events, constraints,
 * checkpoints and read models), so that tests sharing one database start alike.
 */
export const resetDatabase: Effect.Effect<void, SqlError, SqlClient.SqlClient> = Effect.gen(
  function*() {
    const sql = yield* SqlClient.SqlClient
    const tables = yield* sql<{ readonly name: string }>`
      SELECT format('%I.%I', schemaname, tablename) AS name
      FROM pg_tables
      WHERE schemaname IN ('eventstore', 'projections')
      ORDER BY 1
    `
    if (tables.length === 0) return
    yield* sql.unsafe(`TRUNCATE ${tables.map((table) => table.name).join(", ")}`)
  }
)

/** Counts the rows of a table. */
export const countRows = (table: string): Effect.Effect<number, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql.unsafe<{ readonly count: number | string }>(
      `SELECT count(*) AS count FROM ${table}`
    )
    return Number(row!.count)
  })
