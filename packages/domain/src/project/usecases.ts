import { Effect, type Either, Option, type Redacted } from "effect"
import type { ObjectDetails } from "../kernel/details.js"
import type { DomainError } from "../kernel/errors.js"
import type { Clock } from "../ports/Clock.js"
import { Crypto } from "../ports/Crypto.js"
import type { EventStore, EventStoreError } from "../ports/EventStore.js"
import { IdGenerator } from "../ports/IdGenerator.js"
import { PasswordHasher } from "../ports/PasswordHasher.js"
import { execute } from "../usecases/execute.js"
import { expectUnchanged, loadAggregate } from "../usecases/load.js"
import { projectAggregate, projectAggregateOf } from "./aggregate.js"
import { type Compliance, oidcCompliance } from "./compliance.js"
import {
  addOidcApp,
  addProject,
  changeApp,
  changeClientSecret,
  changeOidcConfig,
  changeProject,
  deactivateApp,
  deactivateProject,
  normalizeSettings,
  type OidcSettings,
  type ProjectSettings,
  reactivateApp,
  reactivateProject,
  removeApp,
  removeProject,
  requiresClientSecret
} from "./decide.js"
import type { ProjectEvent } from "./events.js"
import { orgStatusAggregate, type OrgStatus } from "./orgStatus.js"
import { initialProject, type ProjectState } from "./state.js"

/** Entropy of a generated client secret. */
export const clientSecretBytes = 32

/** Who asks, and in which org: the org comes from `x-zitadel-orgid` or the caller's own org. */
export interface OrgCaller {
  readonly instanceId: string
  readonly orgId: string
  readonly creator: string
}

type Decide<C> = (
  state: ProjectState,
  context: C
) => Either.Either<ReadonlyArray<ProjectEvent>, DomainError>

type Requirements = EventStore | Clock

/**
 * Runs a command on a project of the caller's org. A project owned by another org is treated as
 * missing, so a caller never learns of other orgs' projects.
 */
const onProject = <C = undefined>(
  caller: OrgCaller,
  projectId: string,
  decide: Decide<C & { readonly org: OrgStatus }>,
  extra: C = undefined as C
): Effect.Effect<ObjectDetails, DomainError | EventStoreError, Requirements> =>
  execute({
    aggregate: projectAggregateOf(caller.orgId, projectId),
    instanceId: caller.instanceId,
    aggregateId: projectId,
    owner: caller.orgId,
    creator: caller.creator,
    context: Effect.gen(function*() {
      const project = yield* loadAggregate(projectAggregate, caller.instanceId, projectId)
      const org = yield* loadAggregate(orgStatusAggregate, caller.instanceId, caller.orgId)
      const foreign = project.owner !== undefined && project.owner !== caller.orgId
      return {
        value: { ...extra, org: org.state, foreign },
        expectations: [expectUnchanged(orgStatusAggregate, caller.instanceId, org)]
      }
    }),
    decide: (state, context) => decide(context.foreign ? initialProject : state, context)
  })

const nextId = IdGenerator.pipe(Effect.flatMap((ids) => ids.next))

const newSecret = Effect.gen(function*() {
  const crypto = yield* Crypto
  const hasher = yield* PasswordHasher
  const plaintext = yield* crypto.randomSecret(clientSecretBytes)
  const hashed = yield* hasher.hash(plaintext)
  return { plaintext, hashed }
})

export interface CreateProjectResult {
  readonly id: string
  readonly details: ObjectDetails
}

/** Creates a project in the caller's org, which must exist and be active. */
export const createProject = (
  caller: OrgCaller,
  settings: ProjectSettings
): Effect.Effect<
  CreateProjectResult,
  DomainError | EventStoreError,
  Requirements | IdGenerator
> =>
  Effect.gen(function*() {
    const id = yield* nextId
    const details = yield* onProject(caller, id, (state, { org }) =>
      addProject(state, { ...settings, org }))
    return { id, details }
  })

export const updateProject = (caller: OrgCaller, id: string, settings: ProjectSettings) =>
  onProject(caller, id, (state) => changeProject(state, settings))

export const deactivateProjectOf = (caller: OrgCaller, id: string) =>
  onProject(caller, id, deactivateProject)

export const reactivateProjectOf = (caller: OrgCaller, id: string) =>
  onProject(caller, id, reactivateProject)

export const removeProjectOf = (caller: OrgCaller, id: string) =>
  onProject(caller, id, removeProject)

export interface AddOidcAppRequest {
  readonly projectId: string
  readonly name: string
  readonly settings: OidcSettings
}

export interface AddOidcAppResult {
  readonly appId: string
  readonly clientId: string
  /** The plaintext client secret, only for basic and post authentication; shown once. */
  readonly clientSecret: Redacted.Redacted<string> | undefined
  readonly details: ObjectDetails
  readonly compliance: Compliance
}

/**
 * Adds an OIDC application to a project of the caller's org. The client id is a fresh id (the
 * newest ZITADEL form, without the `@project` suffix); a secret is generated when the auth
 * method needs one and only its hash is stored.
 */
export const addOidcAppTo = (
  caller: OrgCaller,
  request: AddOidcAppRequest
): Effect.Effect<
  AddOidcAppResult,
  DomainError | EventStoreError,
  Requirements | IdGenerator | Crypto | PasswordHasher
> =>
  Effect.gen(function*() {
    const appId = yield* nextId
    const clientId = yield* nextId
    const secret = requiresClientSecret(request.settings.authMethodType)
      ? Option.some(yield* newSecret)
      : Option.none()

    const details = yield* onProject(caller, request.projectId, (state, { org }) =>
      addOidcApp(state, {
        appId,
        name: request.name,
        clientId,
        hashedSecret: Option.getOrUndefined(Option.map(secret, (s) => s.hashed)),
        settings: request.settings,
        org
      }))
    return {
      appId,
      clientId,
      clientSecret: Option.getOrUndefined(Option.map(secret, (s) => s.plaintext)),
      details,
      compliance: oidcCompliance(normalizeSettings(request.settings))
    }
  })

export const renameApp = (caller: OrgCaller, projectId: string, appId: string, name: string) =>
  onProject(caller, projectId, (state) => changeApp(state, { appId, name }))

export const updateOidcConfig = (
  caller: OrgCaller,
  projectId: string,
  appId: string,
  settings: OidcSettings
) => onProject(caller, projectId, (state) => changeOidcConfig(state, { appId, settings }))

export interface RegenerateSecretResult {
  /** The new plaintext secret; shown once. */
  readonly clientSecret: Redacted.Redacted<string>
  readonly details: ObjectDetails
}

/** Replaces an OIDC app's client secret with a fresh one; the old one stops working. */
export const regenerateClientSecret = (
  caller: OrgCaller,
  projectId: string,
  appId: string
): Effect.Effect<
  RegenerateSecretResult,
  DomainError | EventStoreError,
  Requirements | Crypto | PasswordHasher
> =>
  Effect.gen(function*() {
    const secret = yield* newSecret
    const details = yield* onProject(caller, projectId, (state) =>
      changeClientSecret(state, { appId, hashedSecret: secret.hashed }))
    return { clientSecret: secret.plaintext, details }
  })

export const deactivateAppOf = (caller: OrgCaller, projectId: string, appId: string) =>
  onProject(caller, projectId, (state) => deactivateApp(state, { appId }))

export const reactivateAppOf = (caller: OrgCaller, projectId: string, appId: string) =>
  onProject(caller, projectId, (state) => reactivateApp(state, { appId }))

export const removeAppOf = (caller: OrgCaller, projectId: string, appId: string) =>
  onProject(caller, projectId, (state) => removeApp(state, { appId }))
