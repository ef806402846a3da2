/**
 * Queries over the projects and apps read models (the management API's GetProjectByID,
 * ListProjects, GetAppByID and ListApps), scoped to one org of one instance, and the client
 * lookup a later OAuth flow uses. Projects of a removed org are never shown; the client lookup
 * also leaves out apps that are inactive or whose project or org is.
 */
import type { DomainError } from "@citadel/domain"
import { SqlClient, type SqlError, type Statement } from "@effect/sql"
import { Array as Arr, Effect, Option } from "effect"
import { StoredState } from "./projects.js"
import {
  inIds,
  invalidQuery,
  orderBy,
  type Page,
  type Pagination,
  resolvePagination,
  selectPage,
  textFilter,
  type TextFilterMethod,
  toDate,
  toNumber
} from "./search.js"

type Sql = SqlClient.SqlClient
type Status = "active" | "inactive"

export interface ProjectView {
  readonly id: string
  readonly name: string
  readonly state: Status
  readonly projectRoleAssertion: boolean
  readonly projectRoleCheck: boolean
  readonly hasProjectCheck: boolean
  readonly privateLabelingSetting: number
  readonly creationDate: Date
  readonly changeDate: Date
  readonly sequence: number
  readonly resourceOwner: string
}

/** An OIDC config as queries show it: never with the secret's hash. */
export interface OidcConfigView {
  readonly version: number
  readonly clientId: string
  readonly redirectUris: ReadonlyArray<string>
  readonly responseTypes: ReadonlyArray<number>
  readonly grantTypes: ReadonlyArray<number>
  readonly applicationType: number
  readonly authMethodType: number
  readonly postLogoutRedirectUris: ReadonlyArray<string>
  readonly devMode: boolean
  readonly accessTokenType: number
  readonly accessTokenRoleAssertion: boolean
  readonly idTokenRoleAssertion: boolean
  readonly idTokenUserinfoAssertion: boolean
  /** Nanoseconds. */
  readonly clockSkew: number
  readonly additionalOrigins: ReadonlyArray<string>
  readonly skipNativeAppSuccessPage: boolean
  readonly backChannelLogoutUri: string
}

export interface AppView {
  readonly id: string
  readonly projectId: string
  readonly name: string
  readonly state: Status
  readonly creationDate: Date
  readonly changeDate: Date
  readonly sequence: number
  readonly resourceOwner: string
  readonly oidc: OidcConfigView | undefined
}

/** What client authentication needs: the app, its config and the secret's encoded hash. */
export interface OidcClientView {
  readonly appId: string
  readonly projectId: string
  readonly resourceOwner: string
  readonly hashedSecret: string | undefined
  readonly config: OidcConfigView
}

export type ProjectFilter =
  | { readonly _tag: "ProjectName"; readonly name: string; readonly method: TextFilterMethod }
  | { readonly _tag: "InProjectIds"; readonly ids: ReadonlyArray<string> }

export type AppFilter = {
  readonly _tag: "AppName"
  readonly name: string
  readonly method: TextFilterMethod
}

export interface SearchRequest<F> extends Pagination {
  readonly filters?: ReadonlyArray<F> | undefined
}

const statusOf = (value: unknown): Status =>
  toNumber(value) === StoredState.Inactive ? "inactive" : "active"

const listOf = <A>(value: unknown): ReadonlyArray<A> => {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value
  return Array.isArray(parsed) ? parsed as ReadonlyArray<A> : []
}

type Row = Record<string, unknown>

const toProject = (row: Row): ProjectView => ({
  id: String(row["id"]),
  name: String(row["name"]),
  state: statusOf(row["state"]),
  projectRoleAssertion: row["project_role_assertion"] === true,
  projectRoleCheck: row["project_role_check"] === true,
  hasProjectCheck: row["has_project_check"] === true,
  privateLabelingSetting: toNumber(row["private_labeling_setting"]),
  creationDate: toDate(row["creation_date"]),
  changeDate: toDate(row["change_date"]),
  sequence: toNumber(row["sequence"]),
  resourceOwner: String(row["resource_owner"])
})

const toOidc = (row: Row): OidcConfigView | undefined =>
  row["client_id"] === null || row["client_id"] === undefined ? undefined : {
    version: toNumber(row["version"]),
    clientId: String(row["client_id"]),
    redirectUris: listOf(row["redirect_uris"]),
    responseTypes: listOf(row["response_types"]),
    grantTypes: listOf(row["grant_types"]),
    applicationType: toNumber(row["application_type"]),
    authMethodType: toNumber(row["auth_method_type"]),
    postLogoutRedirectUris: listOf(row["post_logout_redirect_uris"]),
    devMode: row["dev_mode"] === true,
    accessTokenType: toNumber(row["access_token_type"]),
    accessTokenRoleAssertion: row["access_token_role_assertion"] === true,
    idTokenRoleAssertion: row["id_token_role_assertion"] === true,
    idTokenUserinfoAssertion: row["id_token_userinfo_assertion"] === true,
    clockSkew: toNumber(row["clock_skew"]),
    additionalOrigins: listOf(row["additional_origins"]),
    skipNativeAppSuccessPage: row["skip_native_app_success_page"] === true,
    backChannelLogoutUri: String(row["back_channel_logout_uri"] ?? "")
  }

const toApp = (row: Row): AppView => ({
  id: String(row["id"]),
  projectId: String(row["project_id"]),
  name: String(row["name"]),
  state: statusOf(row["state"]),
  creationDate: toDate(row["creation_date"]),
  changeDate: toDate(row["change_date"]),
  sequence: toNumber(row["sequence"]),
  resourceOwner: String(row["resource_owner"]),
  oidc: toOidc(row)
})

// hashed_secret is deliberately not among these columns
const oidcColumns = `c.version, c.client_id, c.redirect_uris, c.response_types, c.grant_types,
  c.application_type, c.auth_method_type, c.post_logout_redirect_uris, c.dev_mode,
  c.access_token_type, c.access_token_role_assertion, c.id_token_role_assertion,
  c.id_token_userinfo_assertion, c.clock_skew, c.additional_origins,
  c.skip_native_app_success_page, c.back_channel_logout_uri`

const appColumns = `a.id, a.project_id, a.name, a.state, a.creation_date, a.change_date,
  a.sequence, a.resource_owner, ${oidcColumns}`

/** The owning org is not removed (in the orgs read model). */
const orgNotRemoved = (sql: Statement.Constructor, instanceId: string, owner: string) =>
  sql`NOT EXISTS (
    SELECT 1 FROM projections.orgs o
    WHERE o.instance_id = ${instanceId} AND o.id = ${sql.literal(owner)}
      AND o.state = ${StoredState.Removed}
  )`

const projectColumns = `p.id, p.name, p.state, p.project_role_assertion, p.project_role_check,
  p.has_project_check, p.private_labeling_setting, p.creation_date, p.change_date, p.sequence,
  p.resource_owner`

/** The org's project with this id, if it exists (removed projects and orgs do not). */
export const getProject = (
  instanceId: string,
  orgId: string,
  id: string
): Effect.Effect<Option.Option<ProjectView>, SqlError.SqlError, Sql> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<Row>`
      SELECT ${sql.literal(projectColumns)} FROM projections.projects p
      WHERE p.instance_id = ${instanceId} AND p.resource_owner = ${orgId} AND p.id = ${id}
        AND ${orgNotRemoved(sql, instanceId, "p.resource_owner")}
    `
    return Option.map(Arr.head(rows), toProject)
  })

/** One page of the org's projects matching every filter, newest first unless `asc`. */
export const searchProjects = (
  instanceId: string,
  orgId: string,
  request: SearchRequest<ProjectFilter>
): Effect.Effect<Page<ProjectView>, DomainError | SqlError.SqlError, Sql> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const pagination = yield* resolvePagination(request)
    const conditions = yield* Effect.forEach(request.filters ?? [], (filter) => {
      switch (filter._tag) {
        case "ProjectName":
          return textFilter(sql, "p.name", filter.method, filter.name)
        case "InProjectIds":
          return Effect.succeed(inIds(sql, "p.id", filter.ids))
        default:
          return Effect.fail(invalidQuery("unknown project filter"))
      }
    })
    const where = sql.and([
      sql`p.instance_id = ${instanceId}`,
      sql`p.resource_owner = ${orgId}`,
      orgNotRemoved(sql, instanceId, "p.resource_owner"),
      ...conditions
    ])
    return yield* selectPage(sql, {
      columns: projectColumns,
      from: sql.literal("projections.projects p"),
      where,
      order: orderBy(sql, "p.creation_date", "p.id", pagination.asc),
      pagination
    }, toProject)
  })

const appsFrom = (sql: Statement.Constructor) =>
  sql`projections.apps a
    LEFT JOIN projections.apps_oidc_configs c
      ON c.instance_id = a.instance_id AND c.app_id = a.id`

/** The app of the org's project, if both exist. */
export const getApp = (
  instanceId: string,
  orgId: string,
  projectId: string,
  appId: string
): Effect.Effect<Option.Option<AppView>, SqlError.SqlError, Sql> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<Row>`
      SELECT ${sql.literal(appColumns)} FROM ${appsFrom(sql)}
      WHERE a.instance_id = ${instanceId} AND a.resource_owner = ${orgId}
        AND a.project_id = ${projectId} AND a.id = ${appId}
        AND ${orgNotRemoved(sql, instanceId, "a.resource_owner")}
    `
    return Option.map(Arr.head(rows), toApp)
  })

/** One page of the apps of the org's project matching every filter. */
export const searchApps = (
  instanceId: string,
  orgId: string,
  projectId: string,
  request: SearchRequest<AppFilter>
): Effect.Effect<Page<AppView>, DomainError | SqlError.SqlError, Sql> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const pagination = yield* resolvePagination(request)
    const conditions = yield* Effect.forEach(
      request.filters ?? [],
      (filter) =>
        filter._tag === "AppName"
          ? textFilter(sql, "a.name", filter.method, filter.name)
          : Effect.fail(invalidQuery("unknown app filter"))
    )
    const where = sql.and([
      sql`a.instance_id = ${instanceId}`,
      sql`a.resource_owner = ${orgId}`,
      sql`a.project_id = ${projectId}`,
      orgNotRemoved(sql, instanceId, "a.resource_owner"),
      ...conditions
    ])
    return yield* selectPage(sql, {
      columns: appColumns,
      from: appsFrom(sql),
      where,
      order: orderBy(sql, "a.creation_date", "a.id", pagination.asc),
      pagination
    }, toApp)
  })

/**
 * The OIDC client with this client id, only while it can be used: the app, its project and
 * its org all active. Carries the secret's encoded hash for client authentication.
 */
export const getOidcAppByClientId = (
  instanceId: string,
  clientId: string
): Effect.Effect<Option.Option<OidcClientView>, SqlError.SqlError, Sql> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<Row>`
      SELECT ${sql.literal(appColumns)}, c.hashed_secret
      FROM ${appsFrom(sql)}
      JOIN projections.projects p ON p.instance_id = a.instance_id AND p.id = a.project_id
      JOIN projections.orgs o ON o.instance_id = a.instance_id AND o.id = a.resource_owner
      WHERE a.instance_id = ${instanceId} AND c.client_id = ${clientId}
        AND a.state = ${StoredState.Active} AND p.state = ${StoredState.Active}
        AND o.state = ${StoredState.Active}
    `
    return Option.flatMap(Arr.head(rows), (row) => {
      const config = toOidc(row)
      if (config === undefined) return Option.none()
      const hash = row["hashed_secret"]
      return Option.some({
        appId: String(row["id"]),
        projectId: String(row["project_id"]),
        resourceOwner: String(row["resource_owner"]),
        hashedSecret: typeof hash === "string" ? hash : undefined,
        config
      })
    })
  })
