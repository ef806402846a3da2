/**
 * Read model of sessions v2, after ZITADEL's `projections.sessions`: one row per session that is
 * not terminated (ZITADEL deletes terminated sessions from it), with the checked factors, the
 * user agent, metadata and expiration. Of the session token only the digest of the latest one
 * is kept, to verify a token a caller shows; the token itself is never stored anywhere.
 */
import { Session, type StoredEvent } from "@citadel/domain"
import { SqlClient, type SqlError, type Statement } from "@effect/sql"
import { Effect, Option } from "effect"
import type { Projection } from "../projections/Projection.js"
import { updateRow } from "./rows.js"

export const SessionsTable = "projections.sessions"

const init = [
  "CREATE SCHEMA IF NOT EXISTS projections",
  `CREATE TABLE IF NOT EXISTS ${SessionsTable} (
  instance_id TEXT NOT NULL,
  id TEXT NOT NULL,
  creation_date TIMESTAMPTZ NOT NULL,
  change_date TIMESTAMPTZ NOT NULL,
  sequence BIGINT NOT NULL,
  state SMALLINT NOT NULL,
  resource_owner TEXT NOT NULL,
  creator TEXT NOT NULL,
  user_id TEXT,
  user_resource_owner TEXT,
  user_checked_at TIMESTAMPTZ,
  password_checked_at TIMESTAMPTZ,
  token_id TEXT,
  token_hash TEXT,
  metadata JSONB NOT NULL DEFAULT '{}',
  user_agent_fingerprint_id TEXT,
  user_agent_ip TEXT,
  user_agent_description TEXT,
  user_agent_header JSONB,
  expiration TIMESTAMPTZ,
  PRIMARY KEY (instance_id, id)
)`,
  `CREATE INDEX IF NOT EXISTS sessions_user ON ${SessionsTable} (instance_id, user_id)`
]

type Apply = Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient>

const added = (event: StoredEvent, agent: Session.UserAgent | undefined): Apply =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`
      INSERT INTO projections.sessions ${
      sql.insert({
        instance_id: event.aggregate.instanceId,
        id: event.aggregate.id,
        creation_date: event.createdAt,
        change_date: event.createdAt,
        sequence: event.sequence,
        state: Session.sessionStateNumber.active,
        resource_owner: event.aggregate.owner,
        creator: event.creator,
        metadata: "{}",
        user_agent_fingerprint_id: agent?.fingerprint_id ?? null,
        user_agent_ip: agent?.ip ?? null,
        user_agent_description: agent?.description ?? null,
        user_agent_header: agent?.header === undefined ? null : JSON.stringify(agent.header)
      })
    }
      ON CONFLICT (instance_id, id) DO NOTHING
    `).pipe(Effect.asVoid)

/** Sets columns of the event's session and moves its change date and sequence, once. */
const update = (
  event: StoredEvent,
  sets: (sql: Statement.Constructor) => ReadonlyArray<Statement.Fragment>
): Apply => updateRow(SessionsTable, event, sets)

const applySession = (event: StoredEvent, session: Session.SessionEvent): Apply => {
  switch (session._tag) {
    case "SessionAdded":
      return added(event, session.user_agent)
    case "UserChecked":
      return update(event, (sql) => [
        sql`user_id = ${session.userID}`,
        sql`user_resource_owner = ${session.userResourceOwner}`,
        sql`user_checked_at = ${session.checkedAt}`
      ])
    case "PasswordChecked":
      return update(event, (sql) => [sql`password_checked_at = ${session.checkedAt}`])
    case "TokenSet":
      return update(event, (sql) => [
        sql`token_id = ${session.tokenID}`,
        sql`token_hash = ${session.tokenHash}`
      ])
    case "MetadataSet":
      return update(event, (sql) => [sql`metadata = ${JSON.stringify(session.metadata)}`])
    case "LifetimeSet": {
      const expiration = new Date(
        event.createdAt.getTime() + Session.nanosToMillis(session.lifetime)
      )
      return update(event, (sql) => [sql`expiration = ${expiration}`])
    }
    case "Terminated":
      return Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql`
          DELETE FROM projections.sessions
          WHERE instance_id = ${event.aggregate.instanceId} AND id = ${event.aggregate.id}
        `).pipe(Effect.asVoid)
  }
}

const t = Session.sessionEventTypes

/**
 * Projects the session events; a changed password clears the password factor of the user's
 * sessions (as ZITADEL's projection does), and `instance.removed` drops the instance's rows.
 */
export const SessionsProjection: Projection = {
  name: SessionsTable,
  init,
  tables: [SessionsTable],
  eventTypes: [
    t.SessionAdded,
    t.UserChecked,
    t.PasswordChecked,
    t.TokenSet,
    t.MetadataSet,
    t.LifetimeSet,
    t.Terminated,
    "user.human.password.changed",
    "instance.removed"
  ],
  apply: (event) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      switch (event.aggregate.type) {
        case "session": {
          const decoded = Session.sessionAggregate.decode(event)
          if (Option.isSome(decoded)) yield* applySession(event, decoded.value)
          return
        }
        case "user":
          if (event.type === "user.human.password.changed") {
            yield* sql`
              UPDATE projections.sessions SET password_checked_at = NULL
              WHERE instance_id = ${event.aggregate.instanceId}
                AND user_id = ${event.aggregate.id}
            `
          }
          return
        case "instance":
          if (event.type === "instance.removed") {
            yield* sql`
              DELETE FROM projections.sessions WHERE instance_id = ${event.aggregate.instanceId}
            `
          }
          return
        default:
          return
      }
    })
}
