import type { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { PgClient } from "@effect/sql-pg"
import { Layer, Redacted } from "effect"
import * as PgliteClient from "./PgliteClient.js"

export interface DatabaseConfig {
  /** A PostgreSQL connection string; when present the server is used. */
  readonly url?: string | Redacted.Redacted<string> | undefined
  /** Data folder of the embedded database, used when no URL is given; in memory when absent. */
  readonly dataDir?: string | undefined
}

/**
 * The `SqlClient` the application runs on: PostgreSQL when a URL is given, the embedded PGlite
 * database otherwise. Neither transforms column names, so the same snake_case SQL reads the same.
 */
export const layerFromUrlOrDir = (
  config: DatabaseConfig
): Layer.Layer<SqlClient.SqlClient, SqlError> => {
  const { url } = config
  if (url !== undefined) {
    return PgClient.layer({ url: Redacted.isRedacted(url) ? url : Redacted.make(url) })
  }
  return PgliteClient.layer({ dataDir: config.dataDir })
}
