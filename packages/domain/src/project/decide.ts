import { Either } from "effect"
import {
  alreadyExists,
  type DomainError,
  invalidArgument,
  notFound,
  preconditionFailed
} from "../kernel/errors.js"
import { isOrigin, requiredGrantTypes } from "./compliance.js"
import type { OidcConfigChanged, ProjectChanged, ProjectEvent } from "./events.js"
import type { OrgStatus } from "./orgStatus.js"
import { existingApp, type OidcConfig, projectExists, type ProjectState } from "./state.js"

type Decision = Either.Either<ReadonlyArray<ProjectEvent>, DomainError>

/** ZITADEL refuses a clock skew above five seconds. In nanoseconds. */
export const maxClockSkew = 5_000_000_000

export interface ProjectSettings {
  readonly name: string
  readonly projectRoleAssertion: boolean
  readonly projectRoleCheck: boolean
  readonly hasProjectCheck: boolean
  readonly privateLabelingSetting: number
}

export interface AddProjectInput extends ProjectSettings {
  /** The lifecycle status of the org that is to own the project. */
  readonly org: OrgStatus
}

/** The OIDC settings a caller chooses; the client id and secret are generated. */
export type OidcSettings = Omit<OidcConfig, "clientId" | "hashedSecret">

export interface AddOidcAppInput {
  readonly appId: string
  readonly name: string
  readonly clientId: string
  /** Encoded hash of the generated secret; absent for clients that authenticate otherwise. */
  readonly hashedSecret: string | undefined
  readonly settings: OidcSettings
  readonly org: OrgStatus
}

const fail = (error: DomainError): Decision => Either.left(error)

/** Whether client authentication with a secret is configured (`requiresClientSecret`). */
export const requiresClientSecret = (authMethodType: number): boolean =>
  authMethodType === 0 || authMethodType === 1

const orgUsable = (org: OrgStatus): boolean => org === "active"

const orgNotFound = () => preconditionFailed("COMMAND-QXPGs", "Errors.Org.NotFound")

const trimAll = (values: ReadonlyArray<string>) => values.map((value) => value.trim())

/** Whitespace around every URI and origin is dropped, as ZITADEL's commands do. */
export const normalizeSettings = (settings: OidcSettings): OidcSettings => ({
  ...settings,
  redirectUris: trimAll(settings.redirectUris),
  postLogoutRedirectUris: trimAll(settings.postLogoutRedirectUris),
  additionalOrigins: trimAll(settings.additionalOrigins),
  backChannelLogoutURI: settings.backChannelLogoutURI.trim()
})

/** `OIDCApp.IsValid`: clock skew, origins, and the grant types the response types need. */
export const settingsValid = (settings: OidcSettings): boolean => {
  if (settings.clockSkew < 0 || settings.clockSkew > maxClockSkew) return false
  if (!settings.additionalOrigins.every((origin) => isOrigin(origin.trim()))) return false
  const required = requiredGrantTypes(settings.responseTypes, settings.grantTypes)
  return required.length > 0 && required.every((grant) => settings.grantTypes.includes(grant))
}

const backChannelLogoutValid = (uri: string): boolean =>
  uri === "" || URL.canParse(uri)

const invalidBackChannelLogout = () =>
  invalidArgument("PROJECT-iZL2Ac", "Errors.Project.App.Invalid.BackchannelLogoutURL")

// -- projects --------------------------------------------------------------------------------

export const addProject = (state: ProjectState, input: AddProjectInput): Decision => {
  const name = input.name.trim()
  if (name === "") return fail(invalidArgument("PROJECT-IOVCC", "Errors.Project.Invalid"))
  if (!orgUsable(input.org)) return fail(orgNotFound())
  if (state.status !== "unspecified") {
    // ids are generated fresh, so this only guards against an id collision
    return fail(alreadyExists("PROJECT-3ksl0", "Errors.Project.AlreadyExists"))
  }
  return Either.right([{
    _tag: "ProjectAdded",
    name,
    projectRoleAssertion: input.projectRoleAssertion,
    projectRoleCheck: input.projectRoleCheck,
    hasProjectCheck: input.hasProjectCheck,
    privateLabelingSetting: input.privateLabelingSetting
  }])
}

/**
 * Replaces the settings, as the management API's UpdateProject does; the event carries only
 * what differs. Nothing differing is refused with `Errors.NoChangesFound`.
 */
export const changeProject = (state: ProjectState, input: ProjectSettings): Decision => {
  const name = input.name.trim()
  if (name === "") return fail(invalidArgument("COMMAND-4m9vS", "Errors.Project.Invalid"))
  if (!projectExists(state)) return fail(notFound("COMMAND-3M9sd", "Errors.Project.NotFound"))
  const changed: Omit<ProjectChanged, "_tag"> = {
    ...(name !== state.name ? { name } : {}),
    ...(input.projectRoleAssertion !== state.projectRoleAssertion
      ? { projectRoleAssertion: input.projectRoleAssertion }
      : {}),
    ...(input.projectRoleCheck !== state.projectRoleCheck
      ? { projectRoleCheck: input.projectRoleCheck }
      : {}),
    ...(input.hasProjectCheck !== state.hasProjectCheck
      ? { hasProjectCheck: input.hasProjectCheck }
      : {}),
    ...(input.privateLabelingSetting !== state.privateLabelingSetting
      ? { privateLabelingSetting: input.privateLabelingSetting }
      : {})
  }
  return Object.keys(changed).length === 0
    ? fail(preconditionFailed("COMMAND-2M0fs", "Errors.NoChangesFound"))
    : Either.right([{ _tag: "ProjectChanged", ...changed }])
}

export const deactivateProject = (state: ProjectState): Decision =>
  !projectExists(state)
    ? fail(notFound("COMMAND-112M9", "Errors.Project.NotFound"))
    : state.status !== "active"
    ? fail(preconditionFailed("COMMAND-mki55", "Errors.Project.NotActive"))
    : Either.right([{ _tag: "ProjectDeactivated" }])

export const reactivateProject = (state: ProjectState): Decision =>
  !projectExists(state)
    ? fail(notFound("COMMAND-3M9sd", "Errors.Project.NotFound"))
    : state.status !== "inactive"
    ? fail(preconditionFailed("COMMAND-5M9bs", "Errors.Project.NotInactive"))
    : Either.right([{ _tag: "ProjectReactivated" }])

export const removeProject = (state: ProjectState): Decision =>
  !projectExists(state)
    ? fail(notFound("COMMAND-3M9sd", "Errors.Project.NotFound"))
    : Either.right([{ _tag: "ProjectRemoved" }])

// -- applications ----------------------------------------------------------------------------

export const addOidcApp = (state: ProjectState, input: AddOidcAppInput): Decision => {
  // ZITADEL looks for the project before it checks the settings
  if (!projectExists(state)) {
    return fail(preconditionFailed("COMMAND-EbFMN", "Errors.Project.NotFound"))
  }
  const name = input.name.trim()
  const settings = normalizeSettings(input.settings)
  if (name === "" || !settingsValid(settings)) {
    return fail(invalidArgument("PROJECT-1n8df", "Errors.Project.App.Invalid"))
  }
  if (!orgUsable(input.org)) return fail(orgNotFound())
  if (state.apps.has(input.appId)) {
    return fail(preconditionFailed("PROJECT-lxowmp", "Errors.Project.App.AlreadyExisting"))
  }
  if (!backChannelLogoutValid(settings.backChannelLogoutURI)) {
    return fail(invalidBackChannelLogout())
  }
  return Either.right([
    { _tag: "ApplicationAdded", appId: input.appId, name },
    {
      _tag: "OidcConfigAdded",
      appId: input.appId,
      clientId: input.clientId,
      ...(input.hashedSecret === undefined ? {} : { hashedSecret: input.hashedSecret }),
      ...settings
    }
  ])
}

export const changeApp = (
  state: ProjectState,
  input: { readonly appId: string; readonly name: string }
): Decision => {
  const name = input.name.trim()
  if (input.appId === "" || name === "") {
    return fail(invalidArgument("COMMAND-4m9vS", "Errors.Project.App.Invalid"))
  }
  const app = existingApp(state, input.appId)
  if (app === undefined) return fail(notFound("COMMAND-28di9", "Errors.Project.App.NotExisting"))
  if (app.name === name) return fail(preconditionFailed("COMMAND-2m8vx", "Errors.NoChangesFound"))
  return Either.right([{ _tag: "ApplicationChanged", appId: input.appId, name }])
}

const sameList = <A>(a: ReadonlyArray<A>, b: ReadonlyArray<A>) =>
  a.length === b.length && a.every((value, index) => value === b[index])

/**
 * Replaces the OIDC settings (UpdateOIDCAppConfig sends all of them); the event carries only
 * what differs, and nothing differing is refused with `Errors.NoChangesFound`.
 */
export const changeOidcConfig = (
  state: ProjectState,
  input: { readonly appId: string; readonly settings: OidcSettings }
): Decision => {
  const settings = normalizeSettings(input.settings)
  if (input.appId === "" || !settingsValid(settings)) {
    return fail(invalidArgument("COMMAND-5m9fs", "Errors.Project.App.OIDCConfigInvalid"))
  }
  const app = existingApp(state, input.appId)
  if (app === undefined) return fail(notFound("COMMAND-2n8uU", "Errors.Project.App.NotExisting"))
  const current = app.oidc
  if (current === undefined) {
    return fail(invalidArgument("COMMAND-GBr34", "Errors.Project.App.IsNotOIDC"))
  }
  if (!backChannelLogoutValid(settings.backChannelLogoutURI)) {
    return fail(invalidBackChannelLogout())
  }

  const changes: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(settings) as Array<[keyof OidcSettings, unknown]>) {
    const before: unknown = current[field]
    const same = Array.isArray(value) && Array.isArray(before)
      ? sameList(value, before)
      : value === before
    if (!same) changes[field] = value
  }
  if (Object.keys(changes).length === 0) {
    return fail(preconditionFailed("COMMAND-1m88i", "Errors.NoChangesFound"))
  }
  const event = { _tag: "OidcConfigChanged", appId: input.appId, ...changes } as OidcConfigChanged
  return Either.right([event])
}

export const changeClientSecret = (
  state: ProjectState,
  input: { readonly appId: string; readonly hashedSecret: string }
): Decision => {
  if (input.appId === "") return fail(invalidArgument("COMMAND-99i83", "Errors.IDMissing"))
  const app = existingApp(state, input.appId)
  if (app === undefined) return fail(notFound("COMMAND-2g66f", "Errors.Project.App.NotExisting"))
  if (app.oidc === undefined) {
    return fail(invalidArgument("COMMAND-Ghrh3", "Errors.Project.App.IsNotOIDC"))
  }
  return Either.right([
    { _tag: "OidcConfigSecretChanged", appId: input.appId, hashedSecret: input.hashedSecret }
  ])
}

export const deactivateApp = (state: ProjectState, input: { readonly appId: string }): Decision => {
  if (input.appId === "") return fail(invalidArgument("COMMAND-88fi0", "Errors.IDMissing"))
  const app = existingApp(state, input.appId)
  if (app === undefined) return fail(notFound("COMMAND-ov9d3", "Errors.Project.App.NotExisting"))
  return app.status !== "active"
    ? fail(preconditionFailed("COMMAND-dsh35", "Errors.Project.App.NotActive"))
    : Either.right([{ _tag: "ApplicationDeactivated", appId: input.appId }])
}

export const reactivateApp = (state: ProjectState, input: { readonly appId: string }): Decision => {
  if (input.appId === "") return fail(invalidArgument("COMMAND-983dF", "Errors.IDMissing"))
  const app = existingApp(state, input.appId)
  if (app === undefined) return fail(notFound("COMMAND-ov9d3", "Errors.Project.App.NotExisting"))
  return app.status !== "inactive"
    ? fail(preconditionFailed("COMMAND-1n8cM", "Errors.Project.App.NotInactive"))
    : Either.right([{ _tag: "ApplicationReactivated", appId: input.appId }])
}

export const removeApp = (state: ProjectState, input: { readonly appId: string }): Decision => {
  if (input.appId === "") return fail(invalidArgument("COMMAND-1b7Jf", "Errors.IDMissing"))
  return existingApp(state, input.appId) === undefined
    ? fail(notFound("COMMAND-0po9s", "Errors.Project.App.NotExisting"))
    : Either.right([{ _tag: "ApplicationRemoved", appId: input.appId }])
}
