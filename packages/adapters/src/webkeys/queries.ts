/**
 * Queries over `projections.web_keys`: the list the web key service shows (never key
 * material), the public key set the JWKS endpoint publishes, and the active signing key.
 */
import { type CryptoValue, WebKey } from "@citadel/domain"
import { SqlClient, type SqlError } from "@effect/sql"
import { Array as Arr, Effect, Option } from "effect"
import { toDate, toNumber } from "../readmodels/search.js"

/** A key as ListWebKeys shows it. */
export interface WebKeyView {
  readonly id: string
  readonly creationDate: Date
  readonly changeDate: Date
  readonly sequence: number
  readonly status: WebKey.WebKeyStatus
  readonly config: WebKey.WebKeyConfig
}

/** The key that signs now. */
export interface ActiveWebKey {
  readonly id: string
  readonly config: WebKey.WebKeyConfig
  /** The private JWK as JSON, encrypted. */
  readonly privateKey: CryptoValue
}

const json = (value: unknown): unknown => typeof value === "string" ? JSON.parse(value) : value

const statusOf = (state: unknown): WebKey.WebKeyStatus => {
  const number = toNumber(state)
  return number === WebKey.statusNumber.Active
    ? "Active"
    : number === WebKey.statusNumber.Inactive
    ? "Inactive"
    : number === WebKey.statusNumber.Removed
    ? "Removed"
    : "Unspecified"
}

interface ListRow {
  readonly key_id: string
  readonly creation_date: unknown
  readonly change_date: unknown
  readonly sequence: unknown
  readonly state: unknown
  readonly config: unknown
  readonly config_type: unknown
}

/** Every key of the instance, oldest first. Rows with an unreadable config are left out. */
export const listWebKeys = (
  instanceId: string
): Effect.Effect<ReadonlyArray<WebKeyView>, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<ListRow>`
      SELECT key_id, creation_date, change_date, sequence, state, config, config_type
      FROM projections.web_keys
      WHERE instance_id = ${instanceId}
      ORDER BY creation_date, key_id
    `
    return rows.flatMap((row) => {
      const config = WebKey.decodeConfig(json(row.config), toNumber(row.config_type))
      return config === undefined ? [] : [{
        id: row.key_id,
        creationDate: toDate(row.creation_date),
        changeDate: toDate(row.change_date),
        sequence: toNumber(row.sequence),
        status: statusOf(row.state),
        config
      }]
    })
  })

/** The public JWK of every key of the instance that is not removed, oldest first. */
export const webKeySet = (
  instanceId: string
): Effect.Effect<ReadonlyArray<WebKey.Jwk>, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ readonly public_key: unknown }>`
      SELECT public_key
      FROM projections.web_keys
      WHERE instance_id = ${instanceId}
      ORDER BY creation_date, key_id
    `
    return rows.map((row) => json(row.public_key) as WebKey.Jwk)
  })

interface ActiveRow {
  readonly key_id: string
  readonly private_key: unknown
  readonly config: unknown
  readonly config_type: unknown
}

/** The instance's active key, if it has one. */
export const activeWebKey = (
  instanceId: string
): Effect.Effect<Option.Option<ActiveWebKey>, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<ActiveRow>`
      SELECT key_id, private_key, config, config_type
      FROM projections.web_keys
      WHERE instance_id = ${instanceId} AND state = ${WebKey.statusNumber.Active}
      ORDER BY change_date DESC
      LIMIT 1
    `
    return Arr.head(rows).pipe(Option.flatMap((row) => {
      const config = WebKey.decodeConfig(json(row.config), toNumber(row.config_type))
      return config === undefined ? Option.none() : Option.some({
        id: row.key_id,
        config,
        privateKey: json(row.private_key) as CryptoValue
      })
    }))
  })
