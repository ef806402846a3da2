/**
 * Read model of users for the user service v2, after ZITADEL's `projections.users`: one row per
 * existing user of an instance, humans and machines, with the profile fields the API returns.
 * Password hashes and client secrets are never copied here, only whether they are set.
 */
import { Identity, type StoredEvent } from "@citadel/domain"
import { SqlClient, type SqlError, type Statement } from "@effect/sql"
import { Effect, Option } from "effect"
import type { Projection } from "../projections/Projection.js"
import { updateRow } from "./rows.js"

export const Users2Table = "projections.users2"

/** ZITADEL's `domain.UserType`: 1 human, 2 machine. */
export const UserType = { Human: 1, Machine: 2 } as const

const init = [
  "CREATE SCHEMA IF NOT EXISTS projections",
  `CREATE TABLE IF NOT EXISTS ${Users2Table} (
  instance_id TEXT NOT NULL,
  id TEXT NOT NULL,
  resource_owner TEXT NOT NULL,
  creation_date TIMESTAMPTZ NOT NULL,
  change_date TIMESTAMPTZ NOT NULL,
  sequence BIGINT NOT NULL,
  state SMALLINT NOT NULL,
  type SMALLINT NOT NULL,
  user_name TEXT NOT NULL,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  nick_name TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  preferred_language TEXT NOT NULL DEFAULT '',
  gender SMALLINT NOT NULL DEFAULT 0,
  email TEXT NOT NULL DEFAULT '',
  is_email_verified BOOLEAN NOT NULL DEFAULT FALSE,
  phone TEXT NOT NULL DEFAULT '',
  is_phone_verified BOOLEAN NOT NULL DEFAULT FALSE,
  password_set BOOLEAN NOT NULL DEFAULT FALSE,
  password_change_required BOOLEAN NOT NULL DEFAULT FALSE,
  password_changed TIMESTAMPTZ,
  machine_name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  access_token_type SMALLINT NOT NULL DEFAULT 0,
  has_secret BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (instance_id, id)
)`,
  `CREATE INDEX IF NOT EXISTS users2_owner ON ${Users2Table} (instance_id, resource_owner)`
]

type Apply = Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient>

const base = (event: StoredEvent) => ({
  instance_id: event.aggregate.instanceId,
  id: event.aggregate.id,
  resource_owner: event.aggregate.owner,
  creation_date: event.createdAt,
  change_date: event.createdAt,
  sequence: event.sequence,
  state: Identity.userStateNumber.active
})

/** Inserts the row of an added user; applying the same event twice keeps the first row. */
const insert = (row: Record<string, unknown>): Apply =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`
      INSERT INTO projections.users2 ${sql.insert(row)}
      ON CONFLICT (instance_id, id) DO NOTHING
    `).pipe(Effect.asVoid)

/** Sets columns of the event's user and moves its change date and sequence. */
const update = (
  event: StoredEvent,
  sets: (sql: Statement.Constructor) => ReadonlyArray<Statement.Fragment>
): Apply => updateRow(Users2Table, event, sets)

const state = (event: StoredEvent, status: Identity.UserStatus): Apply =>
  update(event, (sql) => [sql`state = ${Identity.userStateNumber[status]}`])

const applyUser = (event: StoredEvent, user: Identity.UserEvent): Apply => {
  switch (user._tag) {
    case "HumanAdded":
      return insert({
        ...base(event),
        type: UserType.Human,
        user_name: user.userName,
        first_name: user.firstName,
        last_name: user.lastName,
        nick_name: user.nickName,
        display_name: user.displayName,
        preferred_language: user.preferredLanguage,
        gender: user.gender,
        email: user.email,
        phone: user.phone,
        password_set: user.encodedHash !== "",
        password_change_required: user.changeRequired,
        password_changed: user.encodedHash !== "" ? event.createdAt : null
      })
    case "MachineAdded":
      return insert({
        ...base(event),
        type: UserType.Machine,
        user_name: user.userName,
        machine_name: user.name,
        description: user.description,
        access_token_type: user.accessTokenType
      })
    case "HumanEmailVerified":
      return update(event, (sql) => [sql`is_email_verified = TRUE`])
    case "HumanPhoneVerified":
      return update(event, (sql) => [sql`is_phone_verified = TRUE`])
    case "UsernameChanged":
      return update(event, (sql) => [sql`user_name = ${user.userName}`])
    case "HumanPasswordChanged":
      return update(event, (sql) => [
        sql`password_set = TRUE`,
        sql`password_change_required = ${user.changeRequired}`,
        sql`password_changed = ${event.createdAt}`
      ])
    case "MachineSecretSet":
      return update(event, (sql) => [sql`has_secret = TRUE`])
    case "MachineSecretRemoved":
      return update(event, (sql) => [sql`has_secret = FALSE`])
    case "UserDeactivated":
      return state(event, "inactive")
    case "UserLocked":
      return state(event, "locked")
    case "UserReactivated":
    case "UserUnlocked":
      return state(event, "active")
    case "UserRemoved":
      return Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql`
          DELETE FROM projections.users2
          WHERE instance_id = ${event.aggregate.instanceId} AND id = ${event.aggregate.id}
        `).pipe(Effect.asVoid)
    default:
      // Password checks and PATs change nothing the user list shows.
      return Effect.void
  }
}

const t = Identity.userEventTypes

/**
 * Projects the user events the user service shows, and drops an instance's rows on
 * `instance.removed` and an org's users on `org.removed`.
 */
export const Users2Projection: Projection = {
  name: Users2Table,
  init,
  tables: [Users2Table],
  eventTypes: [
    t.HumanAdded,
    t.MachineAdded,
    t.HumanEmailVerified,
    t.HumanPhoneVerified,
    t.UsernameChanged,
    t.HumanPasswordChanged,
    t.MachineSecretSet,
    t.MachineSecretRemoved,
    t.UserDeactivated,
    t.UserReactivated,
    t.UserLocked,
    t.UserUnlocked,
    t.UserRemoved,
    "org.removed",
    "instance.removed"
  ],
  apply: (event) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      switch (event.aggregate.type) {
        case "user": {
          const decoded = Identity.userAggregate.decode(event)
          if (Option.isSome(decoded)) yield* applyUser(event, decoded.value)
          return
        }
        case "org":
          if (event.type === "org.removed") {
            yield* sql`
              DELETE FROM projections.users2
              WHERE instance_id = ${event.aggregate.instanceId}
                AND resource_owner = ${event.aggregate.id}
            `
          }
          return
        case "instance":
          if (event.type === "instance.removed") {
            yield* sql`
              DELETE FROM projections.users2 WHERE instance_id = ${event.aggregate.instanceId}
            `
          }
          return
        default:
          return
      }
    })
}
