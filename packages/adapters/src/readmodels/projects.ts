/**
 * Read models of projects and their OIDC applications, after ZITADEL's `projections.projects`,
 * `projections.apps` and its OIDC config table. The queries join the orgs read model, so that
 * apps of inactive or removed orgs are left out.
 */
import { Project, type StoredEvent } from "@citadel/domain"
import { SqlClient, type SqlError, type Statement } from "@effect/sql"
import { Effect, Option } from "effect"
import type { Projection } from "../projections/Projection.js"

export const ProjectsTable = "projections.projects"
export const AppsTable = "projections.apps"
export const OidcConfigsTable = "projections.apps_oidc_configs"

/** Stored states, as ZITADEL's `domain.ProjectState` / `AppState` / `OrgState` number them. */
export const StoredState = { Active: 1, Inactive: 2, Removed: 3 } as const

const init = [
  "CREATE SCHEMA IF NOT EXISTS projections",
  `CREATE TABLE IF NOT EXISTS ${ProjectsTable} (
  instance_id TEXT NOT NULL,
  id TEXT NOT NULL,
  resource_owner TEXT NOT NULL,
  creation_date TIMESTAMPTZ NOT NULL,
  change_date TIMESTAMPTZ NOT NULL,
  sequence BIGINT NOT NULL,
  name TEXT NOT NULL,
  state SMALLINT NOT NULL,
  project_role_assertion BOOLEAN NOT NULL,
  project_role_check BOOLEAN NOT NULL,
  has_project_check BOOLEAN NOT NULL,
  private_labeling_setting SMALLINT NOT NULL,
  PRIMARY KEY (instance_id, id)
)`,
  `CREATE TABLE IF NOT EXISTS ${AppsTable} (
  instance_id TEXT NOT NULL,
  id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  resource_owner TEXT NOT NULL,
  creation_date TIMESTAMPTZ NOT NULL,
  change_date TIMESTAMPTZ NOT NULL,
  sequence BIGINT NOT NULL,
  name TEXT NOT NULL,
  state SMALLINT NOT NULL,
  PRIMARY KEY (instance_id, id)
)`,
  `CREATE INDEX IF NOT EXISTS apps_project_idx ON ${AppsTable} (instance_id, project_id)`,
  `CREATE TABLE IF NOT EXISTS ${OidcConfigsTable} (
  instance_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  version SMALLINT NOT NULL,
  client_id TEXT NOT NULL,
  hashed_secret TEXT,
  redirect_uris JSONB NOT NULL,
  response_types JSONB NOT NULL,
  grant_types JSONB NOT NULL,
  application_type SMALLINT NOT NULL,
  auth_method_type SMALLINT NOT NULL,
  post_logout_redirect_uris JSONB NOT NULL,
  dev_mode BOOLEAN NOT NULL,
  access_token_type SMALLINT NOT NULL,
  access_token_role_assertion BOOLEAN NOT NULL,
  id_token_role_assertion BOOLEAN NOT NULL,
  id_token_userinfo_assertion BOOLEAN NOT NULL,
  clock_skew BIGINT NOT NULL,
  additional_origins JSONB NOT NULL,
  skip_native_app_success_page BOOLEAN NOT NULL,
  back_channel_logout_uri TEXT NOT NULL,
  PRIMARY KEY (instance_id, app_id)
)`,
  `CREATE INDEX IF NOT EXISTS apps_oidc_client_idx ON ${OidcConfigsTable} (instance_id, client_id)`
]

type Sql = SqlClient.SqlClient
type Applied = Effect.Effect<void, SqlError.SqlError, Sql>

const json = (value: ReadonlyArray<unknown>) => JSON.stringify(value)

const projectAdded = (event: StoredEvent, e: typeof Project.ProjectAdded.Type): Applied =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const row = {
      instance_id: event.aggregate.instanceId,
      id: event.aggregate.id,
      resource_owner: event.aggregate.owner,
      creation_date: event.createdAt,
      change_date: event.createdAt,
      sequence: event.sequence,
      name: e.name,
      state: StoredState.Active,
      project_role_assertion: e.projectRoleAssertion,
      project_role_check: e.projectRoleCheck,
      has_project_check: e.hasProjectCheck,
      private_labeling_setting: e.privateLabelingSetting
    }
    yield* sql`
      INSERT INTO projections.projects ${sql.insert(row)}
      ON CONFLICT (instance_id, id) DO NOTHING
    `
  })

const stamp = (sql: Statement.Constructor, event: StoredEvent) => [
  sql`change_date = ${event.createdAt}`,
  sql`sequence = ${event.sequence}`
]

const touchProject = (
  sql: Statement.Constructor,
  event: StoredEvent,
  sets: Array<Statement.Fragment>
) =>
  sql`
    UPDATE projections.projects
    SET ${sql.csv([...stamp(sql, event), ...sets])}
    WHERE instance_id = ${event.aggregate.instanceId} AND id = ${event.aggregate.id}
  `

const projectChanged = (event: StoredEvent, e: Project.ProjectChanged): Applied =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const sets: Array<Statement.Fragment> = []
    if (e.name !== undefined) sets.push(sql`name = ${e.name}`)
    if (e.projectRoleAssertion !== undefined) {
      sets.push(sql`project_role_assertion = ${e.projectRoleAssertion}`)
    }
    if (e.projectRoleCheck !== undefined) sets.push(sql`project_role_check = ${e.projectRoleCheck}`)
    if (e.hasProjectCheck !== undefined) sets.push(sql`has_project_check = ${e.hasProjectCheck}`)
    if (e.privateLabelingSetting !== undefined) {
      sets.push(sql`private_labeling_setting = ${e.privateLabelingSetting}`)
    }
    yield* touchProject(sql, event, sets)
  })

const projectState = (event: StoredEvent, state: number): Applied =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => touchProject(sql, event, [sql`state = ${state}`]))

const projectRemoved = (event: StoredEvent): Applied =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { id, instanceId } = event.aggregate
    yield* sql`
      DELETE FROM projections.apps_oidc_configs
      WHERE instance_id = ${instanceId} AND app_id IN (
        SELECT id FROM projections.apps WHERE instance_id = ${instanceId} AND project_id = ${id}
      )
    `
    yield* sql`
      DELETE FROM projections.apps WHERE instance_id = ${instanceId} AND project_id = ${id}
    `
    yield* sql`DELETE FROM projections.projects WHERE instance_id = ${instanceId} AND id = ${id}`
  })

const appAdded = (event: StoredEvent, appId: string, name: string): Applied =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const row = {
      instance_id: event.aggregate.instanceId,
      id: appId,
      project_id: event.aggregate.id,
      resource_owner: event.aggregate.owner,
      creation_date: event.createdAt,
      change_date: event.createdAt,
      sequence: event.sequence,
      name,
      state: StoredState.Active
    }
    yield* sql`
      INSERT INTO projections.apps ${sql.insert(row)}
      ON CONFLICT (instance_id, id) DO NOTHING
    `
  })

const touchApp = (
  event: StoredEvent,
  appId: string,
  set: (sql: Statement.Constructor) => Array<Statement.Fragment>
): Applied =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const sets = [...stamp(sql, event), ...set(sql)]
    yield* sql`
      UPDATE projections.apps SET ${sql.csv(sets)}
      WHERE instance_id = ${event.aggregate.instanceId} AND id = ${appId}
    `
  })

const appRemoved = (event: StoredEvent, appId: string): Applied =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const instanceId = event.aggregate.instanceId
    yield* sql`
      DELETE FROM projections.apps_oidc_configs
      WHERE instance_id = ${instanceId} AND app_id = ${appId}
    `
    yield* sql`DELETE FROM projections.apps WHERE instance_id = ${instanceId} AND id = ${appId}`
  })

const oidcAdded = (event: StoredEvent, e: Project.OidcConfigAdded): Applied =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const instanceId = event.aggregate.instanceId
    yield* sql`
      INSERT INTO projections.apps_oidc_configs (
        instance_id, app_id, version, client_id, hashed_secret, redirect_uris, response_types,
        grant_types, application_type, auth_method_type, post_logout_redirect_uris, dev_mode,
        access_token_type, access_token_role_assertion, id_token_role_assertion,
        id_token_userinfo_assertion, clock_skew, additional_origins,
        skip_native_app_success_page, back_channel_logout_uri
      ) VALUES (
        ${instanceId}, ${e.appId}, ${e.oidcVersion}, ${e.clientId}, ${e.hashedSecret ?? null},
        ${json(e.redirectUris)}::jsonb, ${json(e.responseTypes)}::jsonb,
        ${json(e.grantTypes)}::jsonb, ${e.applicationType}, ${e.authMethodType},
        ${json(e.postLogoutRedirectUris)}::jsonb, ${e.devMode}, ${e.accessTokenType},
        ${e.accessTokenRoleAssertion}, ${e.idTokenRoleAssertion}, ${e.idTokenUserinfoAssertion},
        ${e.clockSkew}, ${json(e.additionalOrigins)}::jsonb, ${e.skipNativeAppSuccessPage},
        ${e.backChannelLogoutURI}
      )
      ON CONFLICT (instance_id, app_id) DO NOTHING
    `
    yield* touchApp(event, e.appId, () => [])
  })

const oidcChanged = (event: StoredEvent, e: Project.OidcConfigChanged): Applied =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const sets: Array<Statement.Fragment> = []
    const list = (column: string, value: ReadonlyArray<unknown> | undefined) => {
      if (value !== undefined) sets.push(sql`${sql(column)} = ${json(value)}::jsonb`)
    }
    const plain = (column: string, value: string | number | boolean | undefined) => {
      if (value !== undefined) sets.push(sql`${sql(column)} = ${value}`)
    }
    plain("version", e.oidcVersion)
    list("redirect_uris", e.redirectUris)
    list("response_types", e.responseTypes)
    list("grant_types", e.grantTypes)
    plain("application_type", e.applicationType)
    plain("auth_method_type", e.authMethodType)
    list("post_logout_redirect_uris", e.postLogoutRedirectUris)
    plain("dev_mode", e.devMode)
    plain("access_token_type", e.accessTokenType)
    plain("access_token_role_assertion", e.accessTokenRoleAssertion)
    plain("id_token_role_assertion", e.idTokenRoleAssertion)
    plain("id_token_userinfo_assertion", e.idTokenUserinfoAssertion)
    plain("clock_skew", e.clockSkew)
    list("additional_origins", e.additionalOrigins)
    plain("skip_native_app_success_page", e.skipNativeAppSuccessPage)
    plain("back_channel_logout_uri", e.backChannelLogoutURI)
    if (sets.length > 0) {
      yield* sql`
        UPDATE projections.apps_oidc_configs SET ${sql.csv(sets)}
        WHERE instance_id = ${event.aggregate.instanceId} AND app_id = ${e.appId}
      `
    }
    yield* touchApp(event, e.appId, () => [])
  })

const secretChanged = (event: StoredEvent, appId: string, hashedSecret: string): Applied =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`
      UPDATE projections.apps_oidc_configs SET hashed_secret = ${hashedSecret}
      WHERE instance_id = ${event.aggregate.instanceId} AND app_id = ${appId}
    `
    yield* touchApp(event, appId, () => [])
  })

const applyProject = (event: StoredEvent): Applied =>
  Option.match(Project.decodeProjectEvent(event), {
    onNone: () => Effect.void,
    onSome: (e): Applied => {
      switch (e._tag) {
        case "ProjectAdded":
          return projectAdded(event, e)
        case "ProjectChanged":
          return projectChanged(event, e)
        case "ProjectDeactivated":
          return projectState(event, StoredState.Inactive)
        case "ProjectReactivated":
          return projectState(event, StoredState.Active)
        case "ProjectRemoved":
          return projectRemoved(event)
        case "ApplicationAdded":
          return appAdded(event, e.appId, e.name)
        case "ApplicationChanged":
          return touchApp(event, e.appId, (sql) => [sql`name = ${e.name}`])
        case "ApplicationDeactivated":
          return touchApp(event, e.appId, (sql) => [sql`state = ${StoredState.Inactive}`])
        case "ApplicationReactivated":
          return touchApp(event, e.appId, (sql) => [sql`state = ${StoredState.Active}`])
        case "ApplicationRemoved":
          return appRemoved(event, e.appId)
        case "OidcConfigAdded":
          return oidcAdded(event, e)
        case "OidcConfigChanged":
          return oidcChanged(event, e)
        case "OidcConfigSecretChanged":
          return secretChanged(event, e.appId, e.hashedSecret)
      }
    }
  })

const instanceRemoved = (event: StoredEvent): Applied =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const instanceId = event.aggregate.instanceId
    yield* sql`DELETE FROM projections.apps_oidc_configs WHERE instance_id = ${instanceId}`
    yield* sql`DELETE FROM projections.apps WHERE instance_id = ${instanceId}`
    yield* sql`DELETE FROM projections.projects WHERE instance_id = ${instanceId}`
  })

/**
 * Projects the project aggregate's events (projects, apps, OIDC configs, hashed secrets
 * included for client authentication) and `instance.removed`.
 */
export const ProjectsProjection: Projection = {
  name: ProjectsTable,
  init,
  tables: [ProjectsTable, AppsTable, OidcConfigsTable],
  eventTypes: [
    ...Object.values(Project.projectEventTypes),
    "instance.removed"
  ],
  apply: (event) => {
    switch (event.aggregate.type) {
      case "project":
        return applyProject(event)
      case "instance":
        return event.type === "instance.removed" ? instanceRemoved(event) : Effect.void
      default:
        return Effect.void
    }
  }
}
