/**
 * The read models authentication needs: personal access tokens by digest, instance members
 * with their roles, and users with their state. Each `apply` is idempotent, so an event applied
 * twice leaves the same rows.
 */
import { Identity, type StoredEvent } from "@citadel/domain"
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect, Option } from "effect"
import type { Projection } from "../projections/Projection.js"
import { OrgMembersProjection, OrgsProjection } from "../readmodels/orgs.js"

type Apply = Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient>

const instanceRemoved = Identity.instanceEventTypes.InstanceRemoved
const userRemoved = Identity.userEventTypes.UserRemoved

/** Deletes every row of the event's instance from `table`. */
const dropInstance = (table: string, event: StoredEvent): Apply =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`DELETE FROM ${sql(table)} WHERE instance_id = ${event.aggregate.instanceId}`
  ).pipe(Effect.asVoid)

const decodeUser = (event: StoredEvent) =>
  event.aggregate.type === "user" ? Identity.userAggregate.decode(event) : Option.none()

const decodeInstance = (event: StoredEvent) =>
  event.aggregate.type === "instance" ? Identity.instanceAggregate.decode(event) : Option.none()

// Personal access tokens -------------------------------------------------------------------

export const PersonalAccessTokensTable = "projections.personal_access_tokens"

const applyToken = (event: StoredEvent): Apply =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    if (event.type === instanceRemoved && event.aggregate.type === "instance") {
      return yield* dropInstance(PersonalAccessTokensTable, event)
    }
    const decoded = decodeUser(event)
    if (Option.isNone(decoded)) return
    const user = decoded.value
    const instanceId = event.aggregate.instanceId
    switch (user._tag) {
      case "PersonalAccessTokenAdded":
        yield* sql`
          INSERT INTO projections.personal_access_tokens ${
          sql.insert({
            instance_id: instanceId,
            token_id: user.tokenId,
            user_id: event.aggregate.id,
            resource_owner: event.aggregate.owner,
            token_hash: user.tokenHash,
            expiration: user.expiration,
            scopes: JSON.stringify(user.scopes),
            creation_date: event.createdAt,
            sequence: event.sequence
          })
        }
          ON CONFLICT (instance_id, token_id) DO NOTHING
        `
        return
      case "PersonalAccessTokenRemoved":
        yield* sql`
          DELETE FROM projections.personal_access_tokens
          WHERE instance_id = ${instanceId} AND token_id = ${user.tokenId}
        `
        return
      case "UserRemoved":
        yield* sql`
          DELETE FROM projections.personal_access_tokens
          WHERE instance_id = ${instanceId} AND user_id = ${event.aggregate.id}
        `
        return
      default:
        return
    }
  })

export const personalAccessTokensProjection: Projection = {
  name: PersonalAccessTokensTable,
  init: [
    "CREATE SCHEMA IF NOT EXISTS projections",
    `CREATE TABLE IF NOT EXISTS ${PersonalAccessTokensTable} (
      instance_id TEXT NOT NULL,
      token_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      resource_owner TEXT NOT NULL,
      token_hash TEXT NOT NULL,
      expiration TIMESTAMPTZ NOT NULL,
      scopes JSONB NOT NULL,
      creation_date TIMESTAMPTZ NOT NULL,
      sequence BIGINT NOT NULL,
      PRIMARY KEY (instance_id, token_id)
    )`,
    `CREATE UNIQUE INDEX IF NOT EXISTS personal_access_tokens_hash
      ON ${PersonalAccessTokensTable} (token_hash)`,
    `CREATE INDEX IF NOT EXISTS personal_access_tokens_user
      ON ${PersonalAccessTokensTable} (instance_id, user_id)`
  ],
  tables: [PersonalAccessTokensTable],
  eventTypes: [
    Identity.userEventTypes.PersonalAccessTokenAdded,
    Identity.userEventTypes.PersonalAccessTokenRemoved,
    userRemoved,
    instanceRemoved
  ],
  apply: applyToken
}

// Instance members -------------------------------------------------------------------------

export const InstanceMembersTable = "projections.instance_members"

const applyMember = (event: StoredEvent): Apply =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const instanceId = event.aggregate.instanceId
    if (event.type === userRemoved && event.aggregate.type === "user") {
      yield* sql`
        DELETE FROM projections.instance_members
        WHERE instance_id = ${instanceId} AND user_id = ${event.aggregate.id}
      `
      return
    }
    const decoded = decodeInstance(event)
    if (Option.isNone(decoded)) return
    const member = decoded.value
    switch (member._tag) {
      case "InstanceMemberAdded":
      case "InstanceMemberChanged":
        yield* sql`
          INSERT INTO projections.instance_members ${
          sql.insert({
            instance_id: instanceId,
            user_id: member.userId,
            roles: JSON.stringify(member.roles),
            creation_date: event.createdAt,
            change_date: event.createdAt,
            sequence: event.sequence
          })
        }
          ON CONFLICT (instance_id, user_id) DO UPDATE SET
            roles = EXCLUDED.roles,
            change_date = EXCLUDED.change_date,
            sequence = EXCLUDED.sequence
        `
        return
      case "InstanceMemberRemoved":
        yield* sql`
          DELETE FROM projections.instance_members
          WHERE instance_id = ${instanceId} AND user_id = ${member.userId}
        `
        return
      case "InstanceRemoved":
        return yield* dropInstance(InstanceMembersTable, event)
      default:
        return
    }
  })

export const instanceMembersProjection: Projection = {
  name: InstanceMembersTable,
  init: [
    "CREATE SCHEMA IF NOT EXISTS projections",
    `CREATE TABLE IF NOT EXISTS ${InstanceMembersTable} (
      instance_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      roles JSONB NOT NULL,
      creation_date TIMESTAMPTZ NOT NULL,
      change_date TIMESTAMPTZ NOT NULL,
      sequence BIGINT NOT NULL,
      PRIMARY KEY (instance_id, user_id)
    )`
  ],
  tables: [InstanceMembersTable],
  eventTypes: [
    Identity.instanceEventTypes.InstanceMemberAdded,
    Identity.instanceEventTypes.InstanceMemberChanged,
    Identity.instanceEventTypes.InstanceMemberRemoved,
    instanceRemoved,
    userRemoved
  ],
  apply: applyMember
}

// Users ------------------------------------------------------------------------------------

export const UsersTable = "projections.users"

/** ZITADEL's user types: 1 human, 2 machine. */
const machineType = 2

const applyUser = (event: StoredEvent): Apply =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    if (event.type === instanceRemoved && event.aggregate.type === "instance") {
      return yield* dropInstance(UsersTable, event)
    }
    const decoded = decodeUser(event)
    if (Option.isNone(decoded)) return
    const user = decoded.value
    const instanceId = event.aggregate.instanceId
    const setState = (status: Identity.UserStatus) =>
      sql`
        UPDATE projections.users
        SET state = ${Identity.userStateNumber[status]},
          change_date = ${event.createdAt},
          sequence = ${event.sequence}
        WHERE instance_id = ${instanceId} AND id = ${event.aggregate.id}
      `
    switch (user._tag) {
      case "MachineAdded":
        yield* sql`
          INSERT INTO projections.users ${
          sql.insert({
            instance_id: instanceId,
            id: event.aggregate.id,
            resource_owner: event.aggregate.owner,
            user_name: user.userName,
            name: user.name,
            type: machineType,
            state: Identity.userStateNumber.active,
            creation_date: event.createdAt,
            change_date: event.createdAt,
            sequence: event.sequence
          })
        }
          ON CONFLICT (instance_id, id) DO NOTHING
        `
        return
      case "UserDeactivated":
        yield* setState("inactive")
        return
      case "UserLocked":
        yield* setState("locked")
        return
      case "UserReactivated":
      case "UserUnlocked":
        yield* setState("active")
        return
      case "UserRemoved":
        yield* sql`
          DELETE FROM projections.users
          WHERE instance_id = ${instanceId} AND id = ${event.aggregate.id}
        `
        return
      default:
        return
    }
  })

export const usersProjection: Projection = {
  name: UsersTable,
  init: [
    "CREATE SCHEMA IF NOT EXISTS projections",
    `CREATE TABLE IF NOT EXISTS ${UsersTable} (
      instance_id TEXT NOT NULL,
      id TEXT NOT NULL,
      resource_owner TEXT NOT NULL,
      user_name TEXT NOT NULL,
      name TEXT NOT NULL,
      type SMALLINT NOT NULL,
      state SMALLINT NOT NULL,
      creation_date TIMESTAMPTZ NOT NULL,
      change_date TIMESTAMPTZ NOT NULL,
      sequence BIGINT NOT NULL,
      PRIMARY KEY (instance_id, id)
    )`
  ],
  tables: [UsersTable],
  eventTypes: [
    Identity.userEventTypes.MachineAdded,
    Identity.userEventTypes.UserDeactivated,
    Identity.userEventTypes.UserReactivated,
    Identity.userEventTypes.UserLocked,
    Identity.userEventTypes.UserUnlocked,
    userRemoved,
    instanceRemoved
  ],
  apply: applyUser
}

/** The read models authentication reads: tokens, instance members, users, orgs, org members. */
export const authProjections: ReadonlyArray<Projection> = [
  personalAccessTokensProjection,
  instanceMembersProjection,
  usersProjection,
  OrgsProjection,
  OrgMembersProjection
]
