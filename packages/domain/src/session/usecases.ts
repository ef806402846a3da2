import { Effect, Either, type Redacted } from "effect"
import { orgAggregate } from "../identity/org.js"
import type { Principal } from "../identity/permissions.js"
import { userAggregate } from "../identity/user.js"
import type { Loaded } from "../kernel/aggregate.js"
import type { ObjectDetails } from "../kernel/details.js"
import type { DomainError } from "../kernel/errors.js"
import { Clock } from "../ports/Clock.js"
import { Crypto } from "../ports/Crypto.js"
import type { EventStore, EventStoreError } from "../ports/EventStore.js"
import { IdGenerator } from "../ports/IdGenerator.js"
import type { PasswordHasher } from "../ports/PasswordHasher.js"
import { execute } from "../usecases/execute.js"
import { loadAggregate } from "../usecases/load.js"
import { checkPassword } from "../user/usecases.js"
import { sessionAggregate } from "./aggregate.js"
import * as Decide from "./decide.js"
import type { SessionEvent, UserAgent } from "./events.js"
import type { SessionState } from "./state.js"

/** Who asks: the instance and the user writing the events. */
export interface Caller {
  readonly instanceId: string
  readonly creator: string
}

/** Entropy of a session token, in bytes. */
export const sessionTokenBytes = 32

type SessionEffect<A, R> = Effect.Effect<A, DomainError | EventStoreError, R>

/**
 * How a request proves it may change a session: the session token as the client sent it (only
 * its digest is compared), or the authenticated caller's identity and permissions.
 */
export type SessionCredential =
  | { readonly _tag: "Token"; readonly token: Redacted.Redacted<string> }
  | Extract<Decide.SessionAccess, { readonly _tag: "Caller" }>

/** The caller's identity and permissions as a session credential. */
export const callerCredential = (principal: Principal): SessionCredential => ({
  _tag: "Caller",
  userId: principal.userId,
  may: (permission, orgId) =>
    principal.permissions.has(permission) ||
    (orgId !== undefined && principal.orgPermissions.get(orgId)?.has(permission) === true)
})

const accessOf = (credential: SessionCredential) =>
  credential._tag === "Caller"
    ? Effect.succeed<Decide.SessionAccess>(credential)
    : Effect.map(
      Effect.flatMap(Crypto, (crypto) => crypto.digest(credential.token)),
      (tokenHash): Decide.SessionAccess => ({ _tag: "Token", tokenHash })
    )

/** Loads a session's write model. */
export const loadSession = (
  instanceId: string,
  sessionId: string
): Effect.Effect<Loaded<SessionState>, EventStoreError, EventStore> =>
  loadAggregate(sessionAggregate, instanceId, sessionId)

/** The checks a create or set request asks for, and its metadata and lifetime. */
export interface SessionChecks {
  /** The user to check, by id (a login name is resolved by the caller). */
  readonly userId?: string | undefined
  /** Checked by the user's password check use case; never stored or logged. */
  readonly password?: Redacted.Redacted<string> | undefined
  /** Standard base64 values; an empty value removes the key. */
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /** Nanoseconds; negative is refused, 0 changes nothing. */
  readonly lifetime?: number | undefined
  /** The lockout limit handed to the password check. */
  readonly maxPasswordAttempts?: number | undefined
}

export interface SessionChanged {
  readonly sessionId: string
  /** The new session token; absent when nothing changed and the old token stays valid. */
  readonly sessionToken: Redacted.Redacted<string> | undefined
  readonly details: ObjectDetails
}

const now = Effect.flatMap(Clock, (clock) => clock.now)

/** Checks the user (and its org) from their write models. */
const checkedUser = (instanceId: string, userId: string, checkedAt: Date) =>
  Effect.gen(function*() {
    const user = yield* loadAggregate(userAggregate, instanceId, userId)
    const org = yield* loadAggregate(orgAggregate, instanceId, user.owner ?? "")
    yield* Decide.checkUser(user.state, org.state)
    return {
      userId,
      resourceOwner: user.owner ?? "",
      preferredLanguage: user.state.human?.preferredLanguage ?? "",
      checkedAt
    } satisfies Decide.CheckedUser
  })

const newToken = Effect.gen(function*() {
  const tokenId = yield* Effect.flatMap(IdGenerator, (ids) => ids.next)
  const crypto = yield* Crypto
  const token = yield* crypto.randomSecret(sessionTokenBytes)
  const tokenHash = yield* crypto.digest(token)
  return { token, digest: { tokenId, tokenHash } }
})

/**
 * Runs the checks that need other aggregates: the user check, then the password check through
 * the user's password check use case. A wrong password fails here with that use case's error,
 * after it has counted the failure on the user (and locked the user at the limit), so no session
 * event is ever written for it.
 */
const runChecks = (
  caller: Caller,
  session: SessionState,
  checks: SessionChecks,
  at: Date
) =>
  Effect.gen(function*() {
    const user = checks.userId === undefined
      ? undefined
      : yield* checkedUser(caller.instanceId, checks.userId, at)
    if (checks.password === undefined) return { user, passwordCheckedAt: undefined }
    const userId = yield* Decide.passwordUser(session, user?.userId)
    const checked = yield* checkPassword(caller.instanceId, userId, checks.password, {
      maxPasswordAttempts: checks.maxPasswordAttempts,
      creator: caller.creator
    })
    return { user, passwordCheckedAt: checked.checkedAt }
  })

const onSession = (
  caller: Caller,
  sessionId: string,
  decide: (state: SessionState) => Either.Either<ReadonlyArray<SessionEvent>, DomainError>
) =>
  execute<SessionState, SessionEvent>({
    aggregate: sessionAggregate,
    instanceId: caller.instanceId,
    aggregateId: sessionId,
    owner: caller.instanceId,
    creator: caller.creator,
    decide
  })

/**
 * Creates a session with a fresh id, owned by the instance, with its checks, metadata and
 * lifetime, and returns its first token. Refuses a missing, inactive or locked user or one of an
 * inactive org, a password check without a user, a wrong password (after counting it on the
 * user) and a negative lifetime; nothing of the session is written then.
 */
export const createSession = (
  request: Caller & SessionChecks & { readonly userAgent?: UserAgent | undefined }
): SessionEffect<
  SessionChanged,
  EventStore | Clock | IdGenerator | Crypto | PasswordHasher
> =>
  Effect.gen(function*() {
    const at = yield* now
    yield* Decide.checkLifetime(request.lifetime)
    const sessionId = yield* Effect.flatMap(IdGenerator, (ids) => ids.next)
    const { passwordCheckedAt, user } = yield* runChecks(
      request,
      (yield* loadSession(request.instanceId, sessionId)).state,
      request,
      at
    )
    const { digest, token } = yield* newToken
    const details = yield* onSession(request, sessionId, (state) =>
      Decide.createSession(state, {
        userAgent: request.userAgent,
        user,
        passwordCheckedAt,
        metadata: request.metadata,
        lifetime: request.lifetime,
        token: digest,
        now: at
      }))
    return { sessionId, sessionToken: token, details }
  }).pipe(Effect.withSpan("session.create"))

/**
 * Adds checks, metadata or a lifetime to an active session and rotates its token. The caller
 * shows the current token or holds `session.write` in the checked user's org. The session is
 * verified (access, not terminated, not expired) before any check runs.
 */
export const setSession = (
  request: Caller & SessionChecks & {
    readonly sessionId: string
    readonly credential: SessionCredential
  }
): SessionEffect<
  SessionChanged,
  EventStore | Clock | IdGenerator | Crypto | PasswordHasher
> =>
  Effect.gen(function*() {
    const at = yield* now
    const access = yield* accessOf(request.credential)
    const loaded = yield* loadSession(request.instanceId, request.sessionId)
    yield* Decide.validateSet(loaded.state, {
      access,
      now: at,
      lifetime: request.lifetime,
      userId: request.userId
    })
    const { passwordCheckedAt, user } = yield* runChecks(request, loaded.state, request, at)
    const { digest, token } = yield* newToken

    // The decision may run again after a concurrent write; the last run is the one appended.
    let changed = false
    const details = yield* onSession(request, request.sessionId, (state) => {
      const decision = Decide.setSession(state, {
        access,
        user,
        passwordCheckedAt,
        metadata: request.metadata,
        lifetime: request.lifetime,
        token: digest,
        now: at
      })
      changed = Either.isRight(decision) && decision.right.length > 0
      return decision
    })
    return { sessionId: request.sessionId, sessionToken: changed ? token : undefined, details }
  }).pipe(Effect.withSpan("session.set"))

/**
 * Terminates a session for a caller showing its token, its own user, or `session.delete` in the
 * user's org. A missing or already terminated session is no error and writes nothing.
 */
export const terminateSession = (
  request: Caller & { readonly sessionId: string; readonly credential: SessionCredential }
): SessionEffect<ObjectDetails, EventStore | Clock | Crypto> =>
  Effect.gen(function*() {
    const access = yield* accessOf(request.credential)
    return yield* onSession(
      request,
      request.sessionId,
      (state) => Decide.terminateSession(state, { access })
    )
  }).pipe(Effect.withSpan("session.terminate"))
