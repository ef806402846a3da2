/** Row writes that several read-model projections share. */
import type { StoredEvent } from "@citadel/domain"
import { SqlClient, type SqlError, type Statement } from "@effect/sql"
import { Effect } from "effect"

/**
 * Sets columns of the event's row in `table` and moves its change date and sequence; an event
 * applied twice, or older than the row, changes nothing.
 */
export const updateRow = (
  table: string,
  event: StoredEvent,
  sets: (sql: Statement.Constructor) => ReadonlyArray<Statement.Fragment>
): Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`
      UPDATE ${sql.literal(table)}
      SET ${
      sql.csv([
        ...sets(sql),
        sql`change_date = ${event.createdAt}`,
        sql`sequence = ${event.sequence}`
      ])
    }
      WHERE instance_id = ${event.aggregate.instanceId} AND id = ${event.aggregate.id}
        AND sequence < ${event.sequence}
    `).pipe(Effect.asVoid)
