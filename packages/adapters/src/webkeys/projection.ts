/**
 * Read model of the instance's web keys, after ZITADEL's `projections.web_keys`: one row per
 * key that is not removed, with its state, config, public JWK and encrypted private JWK (the
 * signer reads it from here). A removed key's row is deleted.
 */
import { type StoredEvent, WebKey } from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import type { Projection } from "../projections/Projection.js"

export const WebKeysTable = "projections.web_keys"

const init = [
  "CREATE SCHEMA IF NOT EXISTS projections",
  `CREATE TABLE IF NOT EXISTS ${WebKeysTable} (
  instance_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  creation_date TIMESTAMPTZ NOT NULL,
  change_date TIMESTAMPTZ NOT NULL,
  sequence BIGINT NOT NULL,
  state SMALLINT NOT NULL,
  private_key JSONB NOT NULL,
  public_key JSONB NOT NULL,
  config JSONB NOT NULL,
  config_type SMALLINT NOT NULL,
  PRIMARY KEY (instance_id, key_id)
)`,
  `CREATE INDEX IF NOT EXISTS web_keys_state_idx ON ${WebKeysTable} (instance_id, state)`
]

const added = (event: StoredEvent, key: WebKey.WebKeyAdded) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const row = {
      instance_id: event.aggregate.instanceId,
      key_id: event.aggregate.id,
      creation_date: event.createdAt,
      change_date: event.createdAt,
      sequence: event.sequence,
      state: WebKey.statusNumber.Inactive,
      private_key: JSON.stringify(key.privateKey),
      public_key: JSON.stringify(key.publicKey),
      config: JSON.stringify(WebKey.encodeConfig(key.config)),
      config_type: WebKey.configTypeOf(key.config)
    }
    // an upsert, so that applying the same `added` twice leaves the same row
    yield* sql`
      INSERT INTO projections.web_keys ${sql.insert(row)}
      ON CONFLICT (instance_id, key_id) DO UPDATE SET
        creation_date = EXCLUDED.creation_date,
        change_date = EXCLUDED.change_date,
        sequence = EXCLUDED.sequence,
        state = EXCLUDED.state,
        private_key = EXCLUDED.private_key,
        public_key = EXCLUDED.public_key,
        config = EXCLUDED.config,
        config_type = EXCLUDED.config_type
    `
  })

const stateChanged = (event: StoredEvent, state: number) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`
      UPDATE projections.web_keys
      SET change_date = ${event.createdAt}, sequence = ${event.sequence}, state = ${state}
      WHERE instance_id = ${event.aggregate.instanceId} AND key_id = ${event.aggregate.id}
    `
  })

const removed = (event: StoredEvent) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`
      DELETE FROM projections.web_keys
      WHERE instance_id = ${event.aggregate.instanceId} AND key_id = ${event.aggregate.id}
    `
  })

const instanceRemoved = (event: StoredEvent) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`DELETE FROM projections.web_keys WHERE instance_id = ${event.aggregate.instanceId}`
  })

const applyWebKey = (event: StoredEvent) =>
  Option.match(WebKey.decodeWebKeyEvent(event), {
    // a payload no version of ZITADEL wrote cannot be projected; the event is skipped
    onNone: () => Effect.void,
    onSome: (decoded) => {
      switch (decoded._tag) {
        case "WebKeyAdded":
          return added(event, decoded)
        case "WebKeyActivated":
          return stateChanged(event, WebKey.statusNumber.Active)
        case "WebKeyDeactivated":
          return stateChanged(event, WebKey.statusNumber.Inactive)
        case "WebKeyRemoved":
          return removed(event)
      }
    }
  })

/**
 * Projects the four `web_key.*` events and drops an instance's rows on `instance.removed`.
 */
export const WebKeysProjection: Projection = {
  name: WebKeysTable,
  init,
  tables: [WebKeysTable],
  eventTypes: [...WebKey.eventTypes, "instance.removed"],
  apply: (event) => {
    switch (event.aggregate.type) {
      case "web_key":
        return applyWebKey(event)
      case "instance":
        return event.type === "instance.removed" ? instanceRemoved(event) : Effect.void
      default:
        return Effect.void
    }
  }
}
