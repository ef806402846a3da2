/**
 * Read models of orgs and their members, after ZITADEL's `projections.orgs1` and
 * `projections.org_members4`. A removed org keeps its row with state 3 (removed), so that the
 * Authenticator can tell "the user's org was removed" from "the org was never projected"; every
 * query leaves removed orgs out, as ZITADEL, which deletes the row, does.
 */
import { Identity, type StoredEvent } from "@citadel/domain"
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect, Option } from "effect"
import type { Projection } from "../projections/Projection.js"

type Apply = Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient>

export const OrgsTable = "projections.orgs"
export const OrgMembersTable = "projections.org_members"

const types = Identity.orgEventTypes
const instanceRemoved = Identity.instanceEventTypes.InstanceRemoved
const userRemoved = Identity.userEventTypes.UserRemoved

const decodeOrg = (event: StoredEvent) =>
  event.aggregate.type === "org" ? Identity.orgAggregate.decode(event) : Option.none()

const dropInstance = (table: string, event: StoredEvent): Apply =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`DELETE FROM ${sql(table)} WHERE instance_id = ${event.aggregate.instanceId}`
  ).pipe(Effect.asVoid)

// Orgs -------------------------------------------------------------------------------------

const applyOrg = (event: StoredEvent): Apply =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    if (event.type === instanceRemoved && event.aggregate.type === "instance") {
      return yield* dropInstance(OrgsTable, event)
    }
    const decoded = decodeOrg(event)
    if (Option.isNone(decoded)) return
    const org = decoded.value
    const instanceId = event.aggregate.instanceId
    const id = event.aggregate.id
    const update = (set: { readonly name?: string; readonly state?: number }) =>
      sql`
        UPDATE projections.orgs
        SET ${sql.update({ ...set, change_date: event.createdAt, sequence: event.sequence })}
        WHERE instance_id = ${instanceId} AND id = ${id}
          AND state <> ${Identity.orgStateNumber.removed}
      `
    switch (org._tag) {
      case "OrgAdded":
        // an upsert, so that the same event applied twice leaves the same row
        yield* sql`
          INSERT INTO projections.orgs ${
          sql.insert({
            instance_id: instanceId,
            id,
            resource_owner: event.aggregate.owner,
            name: org.name,
            state: Identity.orgStateNumber.active,
            primary_domain: "",
            creation_date: event.createdAt,
            change_date: event.createdAt,
            sequence: event.sequence
          })
        }
          ON CONFLICT (instance_id, id) DO UPDATE SET
            name = EXCLUDED.name,
            state = EXCLUDED.state,
            creation_date = EXCLUDED.creation_date,
            change_date = EXCLUDED.change_date,
            sequence = EXCLUDED.sequence
        `
        return
      case "OrgChanged":
        yield* update({ name: org.name })
        return
      case "OrgDeactivated":
        yield* update({ state: Identity.orgStateNumber.inactive })
        return
      case "OrgReactivated":
        yield* update({ state: Identity.orgStateNumber.active })
        return
      case "OrgRemoved":
        yield* update({ state: Identity.orgStateNumber.removed })
        return
      default:
        return
    }
  })

/** `org.added`, `org.changed`, `org.deactivated`, `org.reactivated`, `org.removed`. */
export const OrgsProjection: Projection = {
  name: OrgsTable,
  init: [
    "CREATE SCHEMA IF NOT EXISTS projections",
    `CREATE TABLE IF NOT EXISTS ${OrgsTable} (
      instance_id TEXT NOT NULL,
      id TEXT NOT NULL,
      resource_owner TEXT NOT NULL,
      name TEXT NOT NULL,
      state SMALLINT NOT NULL,
      primary_domain TEXT NOT NULL,
      creation_date TIMESTAMPTZ NOT NULL,
      change_date TIMESTAMPTZ NOT NULL,
      sequence BIGINT NOT NULL,
      PRIMARY KEY (instance_id, id)
    )`
  ],
  tables: [OrgsTable],
  eventTypes: [
    types.OrgAdded,
    types.OrgChanged,
    types.OrgDeactivated,
    types.OrgReactivated,
    types.OrgRemoved,
    instanceRemoved
  ],
  apply: applyOrg
}

// Org members ------------------------------------------------------------------------------

const applyMember = (event: StoredEvent): Apply =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const instanceId = event.aggregate.instanceId
    if (event.type === instanceRemoved && event.aggregate.type === "instance") {
      return yield* dropInstance(OrgMembersTable, event)
    }
    if (event.type === userRemoved && event.aggregate.type === "user") {
      yield* sql`
        DELETE FROM projections.org_members
        WHERE instance_id = ${instanceId} AND user_id = ${event.aggregate.id}
      `
      return
    }
    const decoded = decodeOrg(event)
    if (Option.isNone(decoded)) return
    const member = decoded.value
    const orgId = event.aggregate.id
    switch (member._tag) {
      case "OrgMemberAdded":
      case "OrgMemberChanged":
        yield* sql`
          INSERT INTO projections.org_members ${
          sql.insert({
            instance_id: instanceId,
            org_id: orgId,
            user_id: member.userId,
            roles: JSON.stringify(member.roles),
            creation_date: event.createdAt,
            change_date: event.createdAt,
            sequence: event.sequence
          })
        }
          ON CONFLICT (instance_id, org_id, user_id) DO UPDATE SET
            roles = EXCLUDED.roles,
            change_date = EXCLUDED.change_date,
            sequence = EXCLUDED.sequence
        `
        return
      case "OrgMemberRemoved":
      case "OrgMemberCascadeRemoved":
        yield* sql`
          DELETE FROM projections.org_members
          WHERE instance_id = ${instanceId} AND org_id = ${orgId} AND user_id = ${member.userId}
        `
        return
      case "OrgRemoved":
        yield* sql`
          DELETE FROM projections.org_members
          WHERE instance_id = ${instanceId} AND org_id = ${orgId}
        `
        return
      default:
        return
    }
  })

/** Org memberships with their roles; they end with the member, the user, the org or instance. */
export const OrgMembersProjection: Projection = {
  name: OrgMembersTable,
  init: [
    "CREATE SCHEMA IF NOT EXISTS projections",
    `CREATE TABLE IF NOT EXISTS ${OrgMembersTable} (
      instance_id TEXT NOT NULL,
      org_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      roles JSONB NOT NULL,
      creation_date TIMESTAMPTZ NOT NULL,
      change_date TIMESTAMPTZ NOT NULL,
      sequence BIGINT NOT NULL,
      PRIMARY KEY (instance_id, org_id, user_id)
    )`,
    `CREATE INDEX IF NOT EXISTS org_members_user
      ON ${OrgMembersTable} (instance_id, user_id)`
  ],
  tables: [OrgMembersTable],
  eventTypes: [
    types.OrgMemberAdded,
    types.OrgMemberChanged,
    types.OrgMemberRemoved,
    types.OrgMemberCascadeRemoved,
    types.OrgRemoved,
    userRemoved,
    instanceRemoved
  ],
  apply: applyMember
}
