/**
 * Read model of Actions v2 targets, after ZITADEL's `projections.targets2`: one row per existing
 * target of an instance. The encrypted signing key of `target.added` / `target.changed` is never
 * copied here: no query of this read model needs it.
 */
import { type StoredEvent, Target } from "@citadel/domain"
import { SqlClient, type Statement } from "@effect/sql"
import { Effect, Option } from "effect"
import type { Projection } from "../projections/Projection.js"

export const TargetsTable = "projections.targets2"

const init = [
  "CREATE SCHEMA IF NOT EXISTS projections",
  `CREATE TABLE IF NOT EXISTS ${TargetsTable} (
  instance_id TEXT NOT NULL,
  id TEXT NOT NULL,
  resource_owner TEXT NOT NULL,
  creation_date TIMESTAMPTZ NOT NULL,
  change_date TIMESTAMPTZ NOT NULL,
  sequence BIGINT NOT NULL,
  name TEXT NOT NULL,
  target_type SMALLINT NOT NULL,
  endpoint TEXT NOT NULL,
  timeout_ns BIGINT NOT NULL,
  interrupt_on_error BOOLEAN NOT NULL,
  payload_type SMALLINT NOT NULL,
  PRIMARY KEY (instance_id, id)
)`
]

// Payloads are read by the domain's decoder, which also maps legacy events (`url`, `async`,
// the old type numbering) onto today's fields, so both sides of the system read them alike.

const added = (event: StoredEvent, target: Target.TargetAdded) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const row = {
      instance_id: event.aggregate.instanceId,
      id: event.aggregate.id,
      resource_owner: event.aggregate.owner,
      creation_date: event.createdAt,
      change_date: event.createdAt,
      sequence: event.sequence,
      name: target.name,
      target_type: target.targetType,
      endpoint: target.endpoint,
      timeout_ns: target.timeout,
      interrupt_on_error: target.interruptOnError,
      payload_type: target.payloadType
    }
    // An upsert, so that applying the same `added` twice leaves the same row.
    yield* sql`
      INSERT INTO projections.targets2 ${sql.insert(row)}
      ON CONFLICT (instance_id, id) DO UPDATE SET
        resource_owner = EXCLUDED.resource_owner,
        creation_date = EXCLUDED.creation_date,
        change_date = EXCLUDED.change_date,
        sequence = EXCLUDED.sequence,
        name = EXCLUDED.name,
        target_type = EXCLUDED.target_type,
        endpoint = EXCLUDED.endpoint,
        timeout_ns = EXCLUDED.timeout_ns,
        interrupt_on_error = EXCLUDED.interrupt_on_error,
        payload_type = EXCLUDED.payload_type
    `
  })

const changed = (event: StoredEvent, change: Target.TargetChanged) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const sets: Array<Statement.Fragment> = [
      sql`change_date = ${event.createdAt}`,
      sql`sequence = ${event.sequence}`
    ]
    if (change.name !== undefined) sets.push(sql`name = ${change.name}`)
    if (change.targetType !== undefined) sets.push(sql`target_type = ${change.targetType}`)
    if (change.endpoint !== undefined) sets.push(sql`endpoint = ${change.endpoint}`)
    if (change.timeout !== undefined) sets.push(sql`timeout_ns = ${change.timeout}`)
    if (change.interruptOnError !== undefined) {
      sets.push(sql`interrupt_on_error = ${change.interruptOnError}`)
    }
    if (change.payloadType !== undefined) sets.push(sql`payload_type = ${change.payloadType}`)
    yield* sql`
      UPDATE projections.targets2
      SET ${sql.csv(sets)}
      WHERE instance_id = ${event.aggregate.instanceId} AND id = ${event.aggregate.id}
    `
  })

const removed = (event: StoredEvent) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`
      DELETE FROM projections.targets2
      WHERE instance_id = ${event.aggregate.instanceId} AND id = ${event.aggregate.id}
    `
  })

const instanceRemoved = (event: StoredEvent) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`DELETE FROM projections.targets2 WHERE instance_id = ${event.aggregate.instanceId}`
  })

const applyTarget = (event: StoredEvent) =>
  Option.match(Target.decodeTargetEvent(event), {
    // A payload no version of ZITADEL wrote cannot be projected; the event is skipped.
    onNone: () => Effect.void,
    onSome: (decoded) => {
      switch (decoded._tag) {
        case "TargetAdded":
          return added(event, decoded)
        case "TargetChanged":
          return changed(event, decoded)
        case "TargetRemoved":
          return removed(event)
      }
    }
  })

/**
 * Projects `target.added`, `target.changed` and `target.removed` of the `target` aggregate, and
 * drops an instance's rows on `instance.removed`. Other events are ignored.
 */
export const TargetsProjection: Projection = {
  name: TargetsTable,
  init,
  tables: [TargetsTable],
  eventTypes: ["target.added", "target.changed", "target.removed", "instance.removed"],
  apply: (event) => {
    switch (event.aggregate.type) {
      case "target":
        return applyTarget(event)
      case "instance":
        return event.type === "instance.removed" ? instanceRemoved(event) : Effect.void
      default:
        return Effect.void
    }
  }
}
