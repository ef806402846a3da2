import { migrate } from "@citadel/adapters/sql/migrations"
import * as PgliteClient from "@citadel/adapters/sql/PgliteClient"
import type { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Layer } from "effect"

/** An in-memory PGlite database with the event store schema; share one per test file. */
export const layer: Layer.Layer<SqlClient.SqlClient | PgliteClient.PgliteClient, SqlError> =
  Layer.effectDiscard(migrate).pipe(Layer.provideMerge(PgliteClient.layer()))
