import type { StoredEvent } from "@citadel/domain"
import type { SqlClient, SqlError } from "@effect/sql"
import type { Effect } from "effect"

/**
 * A SQL read model fed by events. The runner applies `apply` for each event whose type is in
 * `eventTypes`, inside the same transaction that moves the projection's checkpoint, so a
 * projection sees every event exactly once. Tables live in the `projections` schema.
 */
export interface Projection {
  /** Unique name; also the checkpoint's key, e.g. `projections.targets`. */
  readonly name: string
  /** Idempotent DDL creating the projection's tables (`CREATE TABLE IF NOT EXISTS …`). */
  readonly init: ReadonlyArray<string>
  /** Tables the projection owns, emptied when it is rebuilt from the first event. */
  readonly tables: ReadonlyArray<string>
  readonly eventTypes: ReadonlyArray<string>
  readonly apply: (
    event: StoredEvent
  ) => Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient>
}
