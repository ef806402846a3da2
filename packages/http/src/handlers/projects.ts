import { HttpApiBuilder } from "@effect/platform"
import { ReadModels } from "@citadel/adapters"
import { Clock, Identity, notFound, type ObjectDetails, Project } from "@citadel/domain"
import { Effect, Option, Redacted } from "effect"
import { CitadelApi } from "../api/Api.js"
import type * as Api from "../api/projects.js"
import { CurrentPrincipal } from "../api/security.js"
import { type HandlerFailure, settled, textMethod, toPagination, type Type } from "./common.js"
import { toApiError } from "./errors.js"

/** Permission of each rpc, as the `auth_option` of ZITADEL's management.proto. */
const permission = {
  projectCreate: "project.create",
  projectRead: "project.read",
  projectWrite: "project.write",
  projectDelete: "project.delete",
  appRead: "project.app.read",
  appWrite: "project.app.write",
  appDelete: "project.app.delete"
} as const

const privateLabelingNames = [
  "PRIVATE_LABELING_SETTING_UNSPECIFIED",
  "PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY",
  "PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY"
] as const
const responseTypeNames = [
  "OIDC_RESPONSE_TYPE_CODE",
  "OIDC_RESPONSE_TYPE_ID_TOKEN",
  "OIDC_RESPONSE_TYPE_ID_TOKEN_TOKEN"
] as const
const grantTypeNames = [
  "OIDC_GRANT_TYPE_AUTHORIZATION_CODE",
  "OIDC_GRANT_TYPE_IMPLICIT",
  "OIDC_GRANT_TYPE_REFRESH_TOKEN",
  "OIDC_GRANT_TYPE_DEVICE_CODE",
  "OIDC_GRANT_TYPE_TOKEN_EXCHANGE"
] as const
const appTypeNames = [
  "OIDC_APP_TYPE_WEB",
  "OIDC_APP_TYPE_USER_AGENT",
  "OIDC_APP_TYPE_NATIVE"
] as const
const authMethodNames = [
  "OIDC_AUTH_METHOD_TYPE_BASIC",
  "OIDC_AUTH_METHOD_TYPE_POST",
  "OIDC_AUTH_METHOD_TYPE_NONE",
  "OIDC_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT"
] as const
const tokenTypeNames = ["OIDC_TOKEN_TYPE_BEARER", "OIDC_TOKEN_TYPE_JWT"] as const

const indexOf = <N extends string>(names: ReadonlyArray<N>, name: N | undefined) =>
  name === undefined ? 0 : Math.max(0, names.indexOf(name))

const nameOf = <N extends string>(names: ReadonlyArray<N>, index: number): N =>
  names[index] ?? names[0]!

const details = (d: ObjectDetails, created?: Date): Type<typeof Api.ObjectDetails> => ({
  sequence: d.sequence,
  ...(created === undefined ? {} : { creationDate: created }),
  changeDate: d.changeDate,
  resourceOwner: d.resourceOwner
})

const toProjectSettings = (request: Type<typeof Api.AddProjectRequest>) => ({
  name: request.name,
  projectRoleAssertion: request.projectRoleAssertion ?? false,
  projectRoleCheck: request.projectRoleCheck ?? false,
  hasProjectCheck: request.hasProjectCheck ?? false,
  privateLabelingSetting: indexOf(privateLabelingNames, request.privateLabelingSetting)
})

/** An empty list as `fallback`, as ZITADEL's API converter reads empty type lists. */
const orDefault = <N extends string>(names: ReadonlyArray<N> | undefined, fallback: N) =>
  names === undefined || names.length === 0 ? [fallback] : names

/**
 * Absent fields take proto3's defaults, as ZITADEL reads them; no response types means CODE and
 * no grant types AUTHORIZATION_CODE, as ZITADEL's API converter fills them in.
 */
const toOidcSettings = (
  request: Type<typeof Api.UpdateOidcAppConfigRequest>
): Project.OidcSettings => ({
  oidcVersion: Project.OidcVersion.V1,
  redirectUris: request.redirectUris ?? [],
  responseTypes: orDefault(request.responseTypes, "OIDC_RESPONSE_TYPE_CODE")
    .map((n) => indexOf(responseTypeNames, n)),
  grantTypes: orDefault(request.grantTypes, "OIDC_GRANT_TYPE_AUTHORIZATION_CODE")
    .map((n) => indexOf(grantTypeNames, n)),
  applicationType: indexOf(appTypeNames, request.appType),
  authMethodType: indexOf(authMethodNames, request.authMethodType),
  postLogoutRedirectUris: request.postLogoutRedirectUris ?? [],
  devMode: request.devMode ?? false,
  accessTokenType: indexOf(tokenTypeNames, request.accessTokenType),
  accessTokenRoleAssertion: request.accessTokenRoleAssertion ?? false,
  idTokenRoleAssertion: request.idTokenRoleAssertion ?? false,
  idTokenUserinfoAssertion: request.idTokenUserinfoAssertion ?? false,
  clockSkew: Number(request.clockSkew ?? 0n),
  additionalOrigins: request.additionalOrigins ?? [],
  skipNativeAppSuccessPage: request.skipNativeAppSuccessPage ?? false,
  backChannelLogoutURI: request.backChannelLogoutUri ?? ""
})

const toProblems = (compliance: Project.Compliance) =>
  compliance.problems.map((key) => ({ key, localizedMessage: key }))

const toProject = (view: ReadModels.ProjectView): Type<typeof Api.Project> => ({
  id: view.id,
  details: {
    sequence: view.sequence,
    creationDate: view.creationDate,
    changeDate: view.changeDate,
    resourceOwner: view.resourceOwner
  },
  name: view.name,
  state: view.state === "active" ? "PROJECT_STATE_ACTIVE" : "PROJECT_STATE_INACTIVE",
  projectRoleAssertion: view.projectRoleAssertion,
  projectRoleCheck: view.projectRoleCheck,
  hasProjectCheck: view.hasProjectCheck,
  privateLabelingSetting: nameOf(privateLabelingNames, view.privateLabelingSetting)
})

/** `scheme://host` of a URI (ZITADEL's `GetOriginFromURLString`); undefined if unreadable. */
const originOf = (uri: string): string | undefined => {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(uri)
  return match === null ? undefined : `${match[1]}://${match[2]}`
}

/** The redirect URIs' origins and the additional ones, without duplicates. */
const allowedOrigins = (config: ReadModels.OidcConfigView): ReadonlyArray<string> => [
  ...new Set([
    ...config.redirectUris.flatMap((uri) => originOf(uri) ?? []),
    ...config.additionalOrigins
  ])
]

const toOidcConfig = (config: ReadModels.OidcConfigView): Type<typeof Api.OidcConfig> => {
  const compliance = Project.oidcCompliance({
    oidcVersion: config.version,
    applicationType: config.applicationType,
    authMethodType: config.authMethodType,
    grantTypes: config.grantTypes,
    redirectUris: config.redirectUris
  })
  return {
    redirectUris: config.redirectUris,
    responseTypes: config.responseTypes.map((n) => nameOf(responseTypeNames, n)),
    grantTypes: config.grantTypes.map((n) => nameOf(grantTypeNames, n)),
    appType: nameOf(appTypeNames, config.applicationType),
    clientId: config.clientId,
    authMethodType: nameOf(authMethodNames, config.authMethodType),
    postLogoutRedirectUris: config.postLogoutRedirectUris,
    version: "OIDC_VERSION_1_0",
    noneCompliant: compliance.noneCompliant,
    complianceProblems: toProblems(compliance),
    devMode: config.devMode,
    accessTokenType: nameOf(tokenTypeNames, config.accessTokenType),
    accessTokenRoleAssertion: config.accessTokenRoleAssertion,
    idTokenRoleAssertion: config.idTokenRoleAssertion,
    idTokenUserinfoAssertion: config.idTokenUserinfoAssertion,
    clockSkew: BigInt(config.clockSkew),
    additionalOrigins: config.additionalOrigins,
    allowedOrigins: allowedOrigins(config),
    skipNativeAppSuccessPage: config.skipNativeAppSuccessPage,
    backChannelLogoutUri: config.backChannelLogoutUri
  }
}

const toApp = (view: ReadModels.AppView): Type<typeof Api.App> => ({
  id: view.id,
  details: {
    sequence: view.sequence,
    creationDate: view.creationDate,
    changeDate: view.changeDate,
    resourceOwner: view.resourceOwner
  },
  state: view.state === "active" ? "APP_STATE_ACTIVE" : "APP_STATE_INACTIVE",
  name: view.name,
  ...(view.oidc === undefined ? {} : { oidcConfig: toOidcConfig(view.oidc) })
})

const toProjectFilters = (
  queries: ReadonlyArray<Type<typeof Api.ProjectQuery>>,
  orgId: string
): ReadonlyArray<ReadModels.ProjectFilter> =>
  queries.flatMap((query): ReadonlyArray<ReadModels.ProjectFilter> => [
    ...(query.nameQuery === undefined ? [] : [{
      _tag: "ProjectName" as const,
      name: query.nameQuery.name,
      method: textMethod(query.nameQuery.method)
    }]),
    // every project shown is the org's own: another owner matches nothing
    ...(query.projectResourceOwnerQuery === undefined ||
        query.projectResourceOwnerQuery.resourceOwner === orgId
      ? []
      : [{ _tag: "InProjectIds" as const, ids: [] }])
  ])

interface Scope {
  readonly principal: Identity.Principal
  readonly caller: Project.OrgCaller
}

/**
 * Runs a handler body in the org the call names (`x-zitadel-orgid`, else the caller's own)
 * after checking the permission in that org, and maps every failure once.
 */
const inOrg = <A, E extends HandlerFailure, R>(
  headers: { readonly "x-zitadel-orgid"?: string | undefined },
  required: string,
  body: (scope: Scope) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const principal = yield* CurrentPrincipal
    const header = headers["x-zitadel-orgid"]?.trim()
    const orgId = header === undefined || header === "" ? principal.orgId : header
    yield* Identity.requirePermissionIn(principal, orgId, required)
    return yield* body({
      principal,
      caller: { instanceId: principal.instanceId, orgId, creator: principal.userId }
    })
  }).pipe(Effect.catchAll(toApiError))

const detailsOnly = <E, R>(command: Effect.Effect<ObjectDetails, E, R>) =>
  Effect.map(Effect.flatMap(command, settled), (d) => ({ details: details(d) }))

const now = Effect.flatMap(Clock, (clock) => clock.now)

const listDetails = (page: { readonly totalResult: number }, sequences: ReadonlyArray<number>) =>
  Effect.map(now, (viewTimestamp) => ({
    totalResult: page.totalResult,
    processedSequence: Math.max(0, ...sequences),
    viewTimestamp
  }))

const projectNotFound = () => notFound("QUERY-fk2fs", "Errors.Project.NotFound")
const appNotFound = () => notFound("QUERY-pCP8P", "Errors.App.NotExisting")

export const ManagementProjectsLive = HttpApiBuilder.group(
  CitadelApi,
  "ManagementProjects",
  (handlers) =>
    handlers
      .handle("AddProject", ({ headers, payload }) =>
        inOrg(headers, permission.projectCreate, ({ caller }) =>
          Effect.gen(function*() {
            const created = yield* Project.createProject(caller, toProjectSettings(payload))
            yield* settled(created.details)
            return {
              id: created.id,
              details: details(created.details, created.details.changeDate)
            }
          })))
      .handle("GetProjectByID", ({ headers, path }) =>
        inOrg(headers, permission.projectRead, ({ caller }) =>
          Effect.gen(function*() {
            const found = yield* ReadModels.getProject(caller.instanceId, caller.orgId, path.id)
            if (Option.isNone(found)) return yield* Effect.fail(projectNotFound())
            return { project: toProject(found.value) }
          })))
      .handle("ListProjects", ({ headers, payload }) =>
        inOrg(headers, permission.projectRead, ({ caller }) =>
          Effect.gen(function*() {
            const page = yield* ReadModels.searchProjects(caller.instanceId, caller.orgId, {
              ...toPagination(payload.query),
              filters: toProjectFilters(payload.queries ?? [], caller.orgId)
            })
            return {
              details: yield* listDetails(page, page.result.map((p) => p.sequence)),
              result: page.result.map(toProject)
            }
          })))
      .handle("UpdateProject", ({ headers, path, payload }) =>
        inOrg(headers, permission.projectWrite, ({ caller }) =>
          detailsOnly(Project.updateProject(caller, path.id, toProjectSettings(payload)))))
      .handle("DeactivateProject", ({ headers, path }) =>
        inOrg(headers, permission.projectWrite, ({ caller }) =>
          detailsOnly(Project.deactivateProjectOf(caller, path.id))))
      .handle("ReactivateProject", ({ headers, path }) =>
        inOrg(headers, permission.projectWrite, ({ caller }) =>
          detailsOnly(Project.reactivateProjectOf(caller, path.id))))
      .handle("RemoveProject", ({ headers, path }) =>
        inOrg(headers, permission.projectDelete, ({ caller }) =>
          detailsOnly(Project.removeProjectOf(caller, path.id))))
      .handle("AddOIDCApp", ({ headers, path, payload }) =>
        inOrg(headers, permission.appWrite, ({ caller }) =>
          Effect.gen(function*() {
            const added = yield* Project.addOidcAppTo(caller, {
              projectId: path.projectId,
              name: payload.name,
              settings: toOidcSettings(payload)
            })
            yield* settled(added.details)
            return {
              appId: added.appId,
              details: details(added.details, added.details.changeDate),
              clientId: added.clientId,
              ...(added.clientSecret === undefined
                ? {}
                : { clientSecret: Redacted.value(added.clientSecret) }),
              noneCompliant: added.compliance.noneCompliant,
              complianceProblems: toProblems(added.compliance)
            }
          })))
      .handle("ListApps", ({ headers, path, payload }) =>
        inOrg(headers, permission.appRead, ({ caller }) =>
          Effect.gen(function*() {
            const filters = (payload.queries ?? []).flatMap((query) =>
              query.nameQuery === undefined ? [] : [{
                _tag: "AppName" as const,
                name: query.nameQuery.name,
                method: textMethod(query.nameQuery.method)
              }]
            )
            const page = yield* ReadModels.searchApps(
              caller.instanceId,
              caller.orgId,
              path.projectId,
              { ...toPagination(payload.query), filters }
            )
            return {
              details: yield* listDetails(page, page.result.map((a) => a.sequence)),
              result: page.result.map(toApp)
            }
          })))
      .handle("GetAppByID", ({ headers, path }) =>
        inOrg(headers, permission.appRead, ({ caller }) =>
          Effect.gen(function*() {
            const found = yield* ReadModels.getApp(
              caller.instanceId,
              caller.orgId,
              path.projectId,
              path.appId
            )
            if (Option.isNone(found)) return yield* Effect.fail(appNotFound())
            return { app: toApp(found.value) }
          })))
      .handle("UpdateApp", ({ headers, path, payload }) =>
        inOrg(headers, permission.appWrite, ({ caller }) =>
          detailsOnly(Project.renameApp(caller, path.projectId, path.appId, payload.name))))
      .handle("UpdateOIDCAppConfig", ({ headers, path, payload }) =>
        inOrg(headers, permission.appWrite, ({ caller }) =>
          detailsOnly(
            Project.updateOidcConfig(caller, path.projectId, path.appId, toOidcSettings(payload))
          )))
      .handle("RegenerateOIDCClientSecret", ({ headers, path }) =>
        inOrg(headers, permission.appWrite, ({ caller }) =>
          Effect.gen(function*() {
            const renewed = yield* Project.regenerateClientSecret(
              caller,
              path.projectId,
              path.appId
            )
            yield* settled(renewed.details)
            return {
              clientSecret: Redacted.value(renewed.clientSecret),
              details: details(renewed.details)
            }
          })))
      .handle("DeactivateApp", ({ headers, path }) =>
        inOrg(headers, permission.appWrite, ({ caller }) =>
          detailsOnly(Project.deactivateAppOf(caller, path.projectId, path.appId))))
      .handle("ReactivateApp", ({ headers, path }) =>
        inOrg(headers, permission.appWrite, ({ caller }) =>
          detailsOnly(Project.reactivateAppOf(caller, path.projectId, path.appId))))
      .handle("RemoveApp", ({ headers, path }) =>
        inOrg(headers, permission.appDelete, ({ caller }) =>
          detailsOnly(Project.removeAppOf(caller, path.projectId, path.appId))))
)
