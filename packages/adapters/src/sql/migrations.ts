import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"

/** Key of the transaction-scoped advisory lock that serialises schema changes. */
const migrationLock = 7_164_029_318_552_001n

const statements: ReadonlyArray<string> = [
  "CREATE SCHEMA IF NOT EXISTS eventstore",
  "CREATE SCHEMA IF NOT EXISTS projections",
  `CREATE TABLE IF NOT EXISTS eventstore.events2 (
    instance_id text NOT NULL,
    aggregate_type text NOT NULL,
    aggregate_id text NOT NULL,
    event_type text NOT NULL,
    "sequence" bigint NOT NULL,
    revision smallint NOT NULL,
    created_at timestamptz NOT NULL,
    payload jsonb,
    creator text NOT NULL,
    owner text NOT NULL,
    position numeric NOT NULL,
    in_tx_order integer NOT NULL,
    PRIMARY KEY (instance_id, aggregate_type, aggregate_id, "sequence")
  )`,
  `CREATE INDEX IF NOT EXISTS events2_position
    ON eventstore.events2 (position, in_tx_order)`,
  `CREATE INDEX IF NOT EXISTS events2_instance_type_event
    ON eventstore.events2 (instance_id, aggregate_type, event_type)`,
  `CREATE TABLE IF NOT EXISTS eventstore.unique_constraints (
    instance_id text NOT NULL,
    unique_type text NOT NULL,
    unique_field text NOT NULL,
    PRIMARY KEY (instance_id, unique_type, unique_field)
  )`,
  `CREATE TABLE IF NOT EXISTS projections.current_states (
    projection_name text PRIMARY KEY,
    position numeric NOT NULL,
    in_tx_order integer NOT NULL,
    last_updated timestamptz NOT NULL
  )`
]

/**
 * Creates the event store and checkpoint tables when they are missing. Idempotent. The whole
 * change runs in one transaction behind an advisory lock, so processes starting together do
 * not race on the catalog: the later ones wait, then find everything in place.
 */
export const migrate: Effect.Effect<void, SqlError, SqlClient.SqlClient> = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql.withTransaction(
    Effect.gen(function*() {
      yield* sql`SELECT pg_advisory_xact_lock(${String(migrationLock)}::bigint)`
      for (const statement of statements) yield* sql.unsafe(statement)
    })
  )
})
