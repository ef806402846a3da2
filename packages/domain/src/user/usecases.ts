import { Effect, Either, Redacted } from "effect"
import type { Loaded } from "../kernel/aggregate.js"
import type { ObjectDetails } from "../kernel/details.js"
import {
  type DomainError,
  invalidArgument,
  notFound,
  preconditionFailed
} from "../kernel/errors.js"
import { orgAggregate, type OrgState } from "../identity/org.js"
import { patDefaultScopes, patNeverExpires, patSecretBytes } from "../identity/setup.js"
import { userAggregate, type UserEvent, type UserState } from "../identity/user.js"
import { Clock } from "../ports/Clock.js"
import { Crypto } from "../ports/Crypto.js"
import type { EventStore, EventStoreError, Expectation } from "../ports/EventStore.js"
import { IdGenerator } from "../ports/IdGenerator.js"
import { PasswordHasher } from "../ports/PasswordHasher.js"
import { execute } from "../usecases/execute.js"
import { expectUnchanged, loadAggregate } from "../usecases/load.js"
import * as Decide from "./decide.js"
import {
  checkPasswordComplexity,
  defaultMaxPasswordAttempts,
  defaultPasswordComplexityPolicy,
  isSupportedHash,
  type PasswordComplexityPolicy
} from "./policy.js"

/** Who asks: the instance and the user writing the events. */
export interface Caller {
  readonly instanceId: string
  readonly creator: string
}

/** Entropy of a machine's client secret, in bytes. */
export const clientSecretBytes = 32

type UserEffect<A, R> = Effect.Effect<A, DomainError | EventStoreError, R>

/** Loads a user's write model: its state, its resource owner (the org) and its sequence. */
export const loadUser = (
  instanceId: string,
  userId: string
): Effect.Effect<Loaded<UserState>, EventStoreError, EventStore> =>
  loadAggregate(userAggregate, instanceId, userId)

/** The org's state, with the expectation that it still stands when the user is written. */
const orgContext = (instanceId: string, orgId: string) =>
  Effect.map(loadAggregate(orgAggregate, instanceId, orgId), (org) => ({
    value: org.state,
    expectations: [expectUnchanged(orgAggregate, instanceId, org)]
  }))

/**
 * A user of a removed org is gone with it (NotFound, as reading it answers), and one of a
 * deactivated org may not sign in; both refused before any hash is computed.
 */
const requireActiveOrg = (instanceId: string, orgId: string | undefined) =>
  Effect.flatMap(loadAggregate(orgAggregate, instanceId, orgId ?? ""), (org) =>
    org.state.status === "active"
      ? Effect.void
      : org.state.status === "inactive"
      ? Effect.fail(preconditionFailed("USER-0rgIn", "Errors.Org.NotActive"))
      : Effect.fail(userNotFound()))

const newUserId = (given: string | undefined) =>
  given !== undefined && given.trim() !== ""
    ? Effect.succeed(given.trim())
    : Effect.flatMap(IdGenerator, (ids) => ids.next)

const onUser = <C = undefined, R = never>(
  caller: Caller,
  userId: string,
  owner: string,
  decide: (state: UserState, context: C) => Either.Either<ReadonlyArray<UserEvent>, DomainError>,
  context?: Effect.Effect<
    { readonly value: C; readonly expectations: ReadonlyArray<Expectation> },
    DomainError | EventStoreError,
    R
  >
) =>
  Effect.gen(function*() {
    // A user of a removed org is gone with it: nothing more is written to it.
    const existing = yield* loadUser(caller.instanceId, userId)
    if (existing.owner !== undefined) {
      const org = yield* loadAggregate(orgAggregate, caller.instanceId, existing.owner)
      if (org.state.status === "removed") return yield* Effect.fail(userNotFound())
    }
    return yield* execute<UserState, UserEvent, C, R>({
      aggregate: userAggregate,
      instanceId: caller.instanceId,
      aggregateId: userId,
      owner,
      creator: caller.creator,
      ...(context === undefined ? {} : { context }),
      decide
    })
  })

const userNotFound = () => notFound("COMMAND-3n77z", "Errors.User.NotFound")

// Humans ------------------------------------------------------------------------------------

export type AddHumanUserRequest =
  & Caller
  & Omit<Decide.AddHumanInput, "org" | "encodedHash" | "userName">
  & {
    /** The org the user belongs to (its resource owner). */
    readonly orgId: string
    /** A chosen id; a fresh one when absent. */
    readonly userId?: string | undefined
    /** Defaults to the email address, as ZITADEL's v2 API does. */
    readonly userName?: string | undefined
    /** A plaintext password, checked against the complexity policy and hashed. */
    readonly password?: Redacted.Redacted<string> | undefined
    /** An already hashed password (import), used as it is. */
    readonly hashedPassword?: string | undefined
    readonly complexityPolicy?: PasswordComplexityPolicy | undefined
  }

export interface AddUserResult {
  readonly userId: string
  readonly details: ObjectDetails
}

const encodedHashOf = (
  password: Redacted.Redacted<string> | undefined,
  hashedPassword: string | undefined,
  policy: PasswordComplexityPolicy
) =>
  Effect.gen(function*() {
    if (password !== undefined && hashedPassword !== undefined) {
      return yield* invalidArgument(
        "USER-pw0n3",
        "Errors.Invalid.Argument",
        "only one of password or hashedPassword may be set"
      )
    }
    if (hashedPassword !== undefined) {
      if (!isSupportedHash(hashedPassword)) {
        return yield* invalidArgument("USER-h4sh1", "Errors.User.Password.HashUnsupported")
      }
      return hashedPassword
    }
    if (password === undefined) return undefined
    yield* checkPasswordComplexity(policy, Redacted.value(password))
    const hasher = yield* PasswordHasher
    return yield* hasher.hash(password)
  })

/**
 * Adds a human user to an active org. Fails with InvalidArgument on bad input or a password the
 * complexity policy refuses (before anything is hashed or read), PreconditionFailed when the
 * org does not exist, AlreadyExists when the id or the user name is taken in the instance.
 */
export const addHumanUser = (
  request: AddHumanUserRequest
): UserEffect<AddUserResult, EventStore | Clock | IdGenerator | PasswordHasher> =>
  Effect.gen(function*() {
    const { complexityPolicy, hashedPassword, orgId, password, userId: givenId, ...rest } = request
    const fields = { ...rest, userName: rest.userName ?? rest.email }
    yield* Decide.validateAddHuman(fields)
    const encodedHash = yield* encodedHashOf(
      password,
      hashedPassword,
      complexityPolicy ?? defaultPasswordComplexityPolicy
    )

    const userId = yield* newUserId(givenId)
    const details = yield* onUser<OrgState, EventStore>(
      request,
      userId,
      orgId,
      (state, org) => Decide.addHuman(state, { ...fields, org, encodedHash }),
      orgContext(request.instanceId, orgId)
    )
    return { userId, details }
  })

// Machines ----------------------------------------------------------------------------------

export type AddMachineUserRequest = Caller & Omit<Decide.AddMachineInput, "org"> & {
  readonly orgId: string
  readonly userId?: string | undefined
}

/** Adds a machine user to an active org; the same refusals as {@link addHumanUser}. */
export const addMachineUser = (
  request: AddMachineUserRequest
): UserEffect<AddUserResult, EventStore | Clock | IdGenerator> =>
  Effect.gen(function*() {
    const { orgId, userId: givenId, ...fields } = request
    yield* Decide.validateAddMachine(fields)

    const userId = yield* newUserId(givenId)
    const details = yield* onUser<OrgState, EventStore>(
      request,
      userId,
      orgId,
      (state, org) => Decide.addMachine(state, { ...fields, org }),
      orgContext(request.instanceId, orgId)
    )
    return { userId, details }
  })

// Changes -----------------------------------------------------------------------------------

export interface UserRequest extends Caller {
  readonly userId: string
}

/** Renames a user; AlreadyExists when the new name is taken in the instance. */
export const changeUserName = (
  request: UserRequest & { readonly userName: string }
): UserEffect<ObjectDetails, EventStore | Clock> =>
  onUser(request, request.userId, "", (state) => Decide.changeUsername(state, request))

/**
 * Sets a human's password after checking it against the complexity policy. The plaintext is
 * hashed before the user is read and never leaves this function.
 */
export const setPassword = (
  request: UserRequest & {
    readonly password: Redacted.Redacted<string>
    readonly changeRequired?: boolean | undefined
    readonly complexityPolicy?: PasswordComplexityPolicy | undefined
  }
): UserEffect<ObjectDetails, EventStore | Clock | PasswordHasher> =>
  Effect.gen(function*() {
    const policy = request.complexityPolicy ?? defaultPasswordComplexityPolicy
    yield* checkPasswordComplexity(policy, Redacted.value(request.password))
    const hasher = yield* PasswordHasher
    const encodedHash = yield* hasher.hash(request.password)
    return yield* onUser(request, request.userId, "", (state) =>
      Decide.setPassword(state, {
        encodedHash,
        changeRequired: request.changeRequired ?? false
      }))
  })

type StateChange = (request: UserRequest) => UserEffect<ObjectDetails, EventStore | Clock>

export const deactivateUser: StateChange = (request) =>
  onUser(request, request.userId, "", Decide.deactivate)

export const reactivateUser: StateChange = (request) =>
  onUser(request, request.userId, "", Decide.reactivate)

export const lockUser: StateChange = (request) =>
  onUser(request, request.userId, "", Decide.lock)

export const unlockUser: StateChange = (request) =>
  onUser(request, request.userId, "", Decide.unlock)

export const removeUser: StateChange = (request) =>
  onUser(request, request.userId, "", Decide.remove)

// Machine credentials -------------------------------------------------------------------------

export interface AddPersonalAccessTokenResult {
  readonly tokenId: string
  /** The token; this is the only time it is available. */
  readonly token: Redacted.Redacted<string>
  readonly details: ObjectDetails
}

/** Adds a PAT to a machine user; only the token's digest is stored. */
export const addPersonalAccessToken = (
  request: UserRequest & {
    readonly expiration?: Date | undefined
    readonly scopes?: ReadonlyArray<string> | undefined
  }
): UserEffect<AddPersonalAccessTokenResult, EventStore | Clock | IdGenerator | Crypto> =>
  Effect.gen(function*() {
    const tokenId = yield* Effect.flatMap(IdGenerator, (ids) => ids.next)
    const crypto = yield* Crypto
    const token = yield* crypto.randomSecret(patSecretBytes)
    const tokenHash = yield* crypto.digest(token)
    const now = yield* Effect.flatMap(Clock, (clock) => clock.now)

    const details = yield* onUser(request, request.userId, "", (state) =>
      Decide.addPersonalAccessToken(state, {
        tokenId,
        expiration: request.expiration ?? patNeverExpires,
        scopes: request.scopes ?? patDefaultScopes,
        tokenHash,
        now
      }))
    return { tokenId, token, details }
  })

export const removePersonalAccessToken = (
  request: UserRequest & { readonly tokenId: string }
): UserEffect<ObjectDetails, EventStore | Clock> =>
  onUser(request, request.userId, "", (state) => Decide.removePersonalAccessToken(state, request))

export interface SetMachineSecretResult {
  /** The client secret; this is the only time it is available. */
  readonly clientSecret: Redacted.Redacted<string>
  readonly details: ObjectDetails
}

/** Generates a client secret for a machine user and stores only its hash. */
export const setMachineSecret = (
  request: UserRequest
): UserEffect<SetMachineSecretResult, EventStore | Clock | Crypto | PasswordHasher> =>
  Effect.gen(function*() {
    const crypto = yield* Crypto
    const clientSecret = yield* crypto.randomSecret(clientSecretBytes)
    const hasher = yield* PasswordHasher
    const hashedSecret = yield* hasher.hash(clientSecret)
    const details = yield* onUser(request, request.userId, "", (state) =>
      Decide.setMachineSecret(state, { hashedSecret }))
    return { clientSecret, details }
  })

export const removeMachineSecret = (
  request: UserRequest
): UserEffect<ObjectDetails, EventStore | Clock> =>
  onUser(request, request.userId, "", Decide.removeMachineSecret)

// Password check ------------------------------------------------------------------------------

export interface CheckPasswordOptions {
  /**
   * Failed checks in a row that lock the user (ZITADEL's lockout `MaxPasswordAttempts`);
   * defaults to {@link defaultMaxPasswordAttempts}; 0 never locks.
   */
  readonly maxPasswordAttempts?: number | undefined
  /** Who the check events are written for; defaults to the user itself. */
  readonly creator?: string | undefined
}

/** A successful password check. */
export interface PasswordChecked {
  readonly userId: string
  /** The user's org. */
  readonly resourceOwner: string
  /** When the check was recorded (the `succeeded` event's creation date). */
  readonly checkedAt: Date
  readonly details: ObjectDetails
}

/** ZITADEL's refusal of a wrong password. */
export const invalidPassword = (): DomainError =>
  invalidArgument("COMMAND-3M0fs", "Errors.User.Password.Invalid")

/**
 * Checks a human user's password and records the outcome on the user.
 *
 * - Refuses without writing anything when the user does not exist (NotFound `COMMAND-3n77z`),
 *   is locked (PreconditionFailed `COMMAND-JLK35`), deactivated (PreconditionFailed
 *   `COMMAND-1nact`), or has no password (PreconditionFailed `COMMAND-3nJ4t`).
 * - A match writes `user.human.password.check.succeeded` and succeeds.
 * - A mismatch writes `user.human.password.check.failed` and fails with InvalidArgument
 *   `COMMAND-3M0fs`; when it is the `maxPasswordAttempts`-th failure in a row it also writes
 *   `user.locked` and fails with PreconditionFailed `COMMAND-SFA3t` (`Errors.User.Locked`).
 *
 * The password is compared by the PasswordHasher port and appears in no event or error.
 */
export const checkPassword = (
  instanceId: string,
  userId: string,
  password: Redacted.Redacted<string>,
  options: CheckPasswordOptions = {}
): Effect.Effect<
  PasswordChecked,
  DomainError | EventStoreError,
  EventStore | Clock | PasswordHasher
> =>
  Effect.gen(function*() {
    const maxPasswordAttempts = options.maxPasswordAttempts ?? defaultMaxPasswordAttempts
    const loaded = yield* loadUser(instanceId, userId)
    const refusal = Decide.passwordCheckRefusal(loaded.state)
    if (refusal !== undefined) return yield* Effect.fail(refusal)
    yield* requireActiveOrg(instanceId, loaded.owner)

    const hasher = yield* PasswordHasher
    const matched = yield* hasher.verify(loaded.state.encodedHash, password)

    // The decision may run again after a concurrent write; the last run is the one appended.
    let lockedByThisCheck = false
    const details = yield* onUser(
      { instanceId, creator: options.creator ?? userId },
      userId,
      "",
      (state) => {
        const decision = Decide.checkPassword(state, { matched, maxPasswordAttempts })
        lockedByThisCheck = Either.isRight(decision) &&
          decision.right.some((event) => event._tag === "UserLocked")
        return decision
      }
    )
    if (matched) {
      return {
        userId,
        resourceOwner: details.resourceOwner,
        checkedAt: details.changeDate,
        details
      } satisfies PasswordChecked
    }
    return yield* Effect.fail(
      lockedByThisCheck
        ? preconditionFailed("COMMAND-SFA3t", "Errors.User.Locked")
        : invalidPassword()
    )
  }).pipe(Effect.withSpan("identity.user.checkPassword"))
