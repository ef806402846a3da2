import { Effect, type Either } from "effect"
import type { ObjectDetails } from "../kernel/details.js"
import type { DomainError } from "../kernel/errors.js"
import type { Clock } from "../ports/Clock.js"
import type { EventStore, EventStoreError } from "../ports/EventStore.js"
import { IdGenerator } from "../ports/IdGenerator.js"
import { instanceAggregate } from "../identity/instance.js"
import { orgAggregate, type OrgEvent, type OrgState } from "../identity/org.js"
import { userAggregate } from "../identity/user.js"
import { execute } from "../usecases/execute.js"
import { expectUnchanged, loadAggregate } from "../usecases/load.js"
import {
  addOrg,
  addOrgMember,
  type AddOrgContext,
  type AddOrgInput,
  changeOrg,
  changeOrgMember,
  type ChangeOrgMemberInput,
  deactivateOrg,
  reactivateOrg,
  removeOrg,
  removeOrgMember,
  validateAddOrg,
  validateChangeOrg
} from "./decide.js"

/** Who asks: the instance the org lives in and the user writing the events. */
export interface Caller {
  readonly instanceId: string
  readonly creator: string
}

type Result<A> = Effect.Effect<A, DomainError | EventStoreError, EventStore | Clock>

const userExists = (instanceId: string, userId: string) =>
  Effect.map(loadAggregate(userAggregate, instanceId, userId), (loaded) => ({
    loaded,
    exists: loaded.state.status !== "unspecified" && loaded.state.status !== "removed"
  }))

export interface CreateOrganizationRequest extends Caller, AddOrgInput {
  /** A chosen id; a generated one when absent. */
  readonly orgId?: string | undefined
}

export interface CreateOrganizationResult {
  readonly id: string
  readonly details: ObjectDetails
}

/**
 * Creates an org and makes the given admins its members (ORG_OWNER unless roles are given).
 * Fails with InvalidArgument on a bad name or admin, PreconditionFailed when an admin user does
 * not exist, AlreadyExists when the id or the name is taken.
 */
export const createOrganization = (
  request: CreateOrganizationRequest
): Effect.Effect<
  CreateOrganizationResult,
  DomainError | EventStoreError,
  EventStore | Clock | IdGenerator
> =>
  Effect.gen(function*() {
    yield* validateAddOrg(request)

    const id = request.orgId ?? (yield* IdGenerator.pipe(Effect.flatMap((ids) => ids.next)))

    // The admins' users are read to check they exist; the append fails if one changes meanwhile.
    const context = Effect.gen(function*() {
      const userIds = [...new Set(request.admins.map((admin) => admin.userId))]
      const users = yield* Effect.forEach(userIds, (userId) =>
        userExists(request.instanceId, userId))
      const value: AddOrgContext = {
        existingUsers: new Set(users.filter((u) => u.exists).map((u) => u.loaded.id))
      }
      const expectations = users.map((u) =>
        expectUnchanged(userAggregate, request.instanceId, u.loaded)
      )
      return { value, expectations }
    })

    const details = yield* execute({
      aggregate: orgAggregate,
      instanceId: request.instanceId,
      aggregateId: id,
      owner: id,
      creator: request.creator,
      context,
      decide: (state, known: AddOrgContext) => addOrg(state, request, known)
    })
    return { id, details }
  })

export interface UpdateOrganizationRequest extends Caller {
  readonly id: string
  readonly name: string
}

/** Renames an org. NotFound when it does not exist; PreconditionFailed for the same name. */
export const updateOrganization = (request: UpdateOrganizationRequest): Result<ObjectDetails> =>
  Effect.gen(function*() {
    yield* validateChangeOrg(request)
    return yield* execute({
      aggregate: orgAggregate,
      instanceId: request.instanceId,
      aggregateId: request.id,
      owner: request.id,
      creator: request.creator,
      decide: (state) => changeOrg(state, request)
    })
  })

export interface OrgRequest extends Caller {
  readonly id: string
}

type OrgDecision = (state: OrgState) => Either.Either<ReadonlyArray<OrgEvent>, DomainError>

const onOrg = (request: OrgRequest, decide: OrgDecision) =>
  execute({
    aggregate: orgAggregate,
    instanceId: request.instanceId,
    aggregateId: request.id,
    owner: request.id,
    creator: request.creator,
    decide
  })

/** Deactivates an org; its users can no longer sign in. */
export const deactivateOrganization = (request: OrgRequest): Result<ObjectDetails> =>
  onOrg(request, (state) => deactivateOrg(state))

/** Reactivates a deactivated org. */
export const activateOrganization = (request: OrgRequest): Result<ObjectDetails> =>
  onOrg(request, (state) => reactivateOrg(state))

/**
 * Removes an org (never the instance's default org) and frees its name. Its members go with
 * it; its users can no longer sign in.
 */
export const deleteOrganization = (request: OrgRequest): Result<ObjectDetails> =>
  Effect.gen(function*() {
    const instance = yield* loadAggregate(instanceAggregate, request.instanceId, request.instanceId)
    const defaultOrgId = instance.state.defaultOrgId
    return yield* onOrg(request, (state) => removeOrg(state, { id: request.id, defaultOrgId }))
  })

export interface AddOrganizationMemberRequest extends OrgRequest {
  readonly userId: string
  readonly roles: ReadonlyArray<string>
}

/** Makes an existing user a member of the org with the given org roles. */
export const addOrganizationMember = (
  request: AddOrganizationMemberRequest
): Result<ObjectDetails> =>
  execute({
    aggregate: orgAggregate,
    instanceId: request.instanceId,
    aggregateId: request.id,
    owner: request.id,
    creator: request.creator,
    context: Effect.map(userExists(request.instanceId, request.userId), (user) => ({
      value: user.exists,
      expectations: [expectUnchanged(userAggregate, request.instanceId, user.loaded)]
    })),
    decide: (state, exists: boolean) =>
      addOrgMember(state, { userId: request.userId, roles: request.roles, userExists: exists })
  })

/** Replaces a member's roles; the same roles write nothing. */
export const changeOrganizationMember = (
  request: OrgRequest & ChangeOrgMemberInput
): Result<ObjectDetails> =>
  onOrg(request, (state) => changeOrgMember(state, request))

/** Ends a membership; someone who is no member is left as is. */
export const removeOrganizationMember = (
  request: OrgRequest & { readonly userId: string }
): Result<ObjectDetails> =>
  onOrg(request, (state) => removeOrgMember(state, request))
