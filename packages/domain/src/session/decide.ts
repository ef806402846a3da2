import { Either } from "effect"
import type { OrgState } from "../identity/org.js"
import { missingPermission } from "../identity/permissions.js"
import type { UserState } from "../identity/user.js"
import {
  type DomainError,
  invalidArgument,
  notFound,
  permissionDenied,
  preconditionFailed
} from "../kernel/errors.js"
import type { SessionEvent, UserAgent } from "./events.js"
import type { SessionState } from "./state.js"

/**
 * One decider per session command: `(state, input) -> Either<DomainError, SessionEvent[]>`.
 * The checks that need other aggregates (the user and its org, the password) are made by the
 * use cases; their outcomes arrive here as plain values. Ids, token digests and the time arrive
 * in the input.
 */

type Decision = Either.Either<ReadonlyArray<SessionEvent>, DomainError>

/** ZITADEL's permissions on sessions (`domain.PermissionSession*`). */
export const sessionPermission = {
  read: "session.read",
  write: "session.write",
  delete: "session.delete"
} as const

/**
 * How a caller proves it may change a session: the session's current token (by its digest), or
 * as an authenticated user whose permissions are asked per org (`orgId` undefined asks for an
 * instance-wide permission).
 */
export type SessionAccess =
  | { readonly _tag: "Token"; readonly tokenHash: string }
  | {
    readonly _tag: "Caller"
    readonly userId: string
    readonly may: (permission: string, orgId: string | undefined) => boolean
  }

/** A user check that passed: who, which org, and when. */
export interface CheckedUser {
  readonly userId: string
  readonly resourceOwner: string
  /** Empty when the user has none. */
  readonly preferredLanguage: string
  readonly checkedAt: Date
}

/** The fresh token of a change: its id and the digest of the secret handed to the caller. */
export interface NewToken {
  readonly tokenId: string
  readonly tokenHash: string
}

export interface SessionChanges {
  readonly user?: CheckedUser | undefined
  /** Present only when a password check succeeded in this command. */
  readonly passwordCheckedAt?: Date | undefined
  /** Keys to set (standard base64 values); an empty value removes the key. */
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /** Nanoseconds; 0 or absent leaves the expiration as it is. */
  readonly lifetime?: number | undefined
  readonly token: NewToken
  readonly now: Date
}

// Refusals ------------------------------------------------------------------------------------

export const invalidToken = (): DomainError =>
  permissionDenied("COMMAND-sGr42", "Errors.Session.Token.Invalid")

export const sessionNotExisting = (): DomainError =>
  preconditionFailed("COMMAND-Flk38", "Errors.Session.NotExisting")

export const sessionTerminated = (): DomainError =>
  preconditionFailed("COMMAND-Hewfq", "Errors.Session.Terminated")

export const sessionExpired = (): DomainError =>
  preconditionFailed("COMMAND-Hkl3d", "Errors.Session.Expired")

export const userIdMissing = (): DomainError =>
  preconditionFailed("COMMAND-Sfw3f", "Errors.User.UserIDMissing")

// Citadel's id: ZITADEL refuses this with an empty id and the text "user change not possible".
export const userChangeNotPossible = (): DomainError =>
  invalidArgument("SESSION-uChg1", "Errors.Session.UserChangeNotPossible")

export const negativeLifetime = (): DomainError =>
  invalidArgument("COMMAND-asEG4", "Errors.Session.PositiveLifetime")

// Checks --------------------------------------------------------------------------------------

const userExists = (user: UserState): boolean =>
  user.status !== "unspecified" && user.status !== "removed"

/**
 * Whether a user may be checked into a session: it must exist and be active (a locked or
 * deactivated user may not start a session), and so must its org.
 */
export const checkUser = (user: UserState, org: OrgState): Either.Either<void, DomainError> => {
  if (!userExists(user)) return Either.left(notFound("QUERY-Dfbg2", "Errors.User.NotFound"))
  if (user.status !== "active") {
    return Either.left(preconditionFailed("SESSION-Gj4ko", "Errors.User.NotActive"))
  }
  // Citadel's ids: ZITADEL's user check does not look at the org.
  if (org.status === "inactive") {
    return Either.left(preconditionFailed("SESSION-0rgIn", "Errors.Org.NotActive"))
  }
  if (org.status !== "active") {
    return Either.left(preconditionFailed("SESSION-0rgNf", "Errors.Org.NotFound"))
  }
  return Either.void
}

/** The token proves access when its digest is the latest token's digest of the session. */
const tokenMatches = (state: SessionState, tokenHash: string): boolean =>
  state.tokenHash !== "" && tokenHash === state.tokenHash

/** The org the permission is asked in: the checked user's, or the instance when none. */
const permissionOrg = (state: SessionState): string | undefined =>
  state.userResourceOwner === "" ? undefined : state.userResourceOwner

/** SetSession: the session's token, or `session.write` in the checked user's org. */
export const authorizeWrite = (
  state: SessionState,
  access: SessionAccess
): Either.Either<void, DomainError> => {
  if (access._tag === "Token") {
    return tokenMatches(state, access.tokenHash) ? Either.void : Either.left(invalidToken())
  }
  return access.may(sessionPermission.write, permissionOrg(state))
    ? Either.void
    : Either.left(missingPermission(sessionPermission.write))
}

/** DeleteSession: the session's token, the session's own user, or `session.delete`. */
export const authorizeTermination = (
  state: SessionState,
  access: SessionAccess
): Either.Either<void, DomainError> => {
  if (access._tag === "Token") {
    return tokenMatches(state, access.tokenHash) ? Either.void : Either.left(invalidToken())
  }
  if (state.userId !== "" && state.userId === access.userId) return Either.void
  return access.may(sessionPermission.delete, permissionOrg(state))
    ? Either.void
    : Either.left(missingPermission(sessionPermission.delete))
}

/** ZITADEL's `CheckIsActive`: the session exists, is not terminated and has not expired. */
export const checkActive = (state: SessionState, now: Date): Either.Either<void, DomainError> => {
  if (state.status === "unspecified") return Either.left(sessionNotExisting())
  if (state.status === "terminated") return Either.left(sessionTerminated())
  if (state.expiration !== undefined && state.expiration.getTime() < now.getTime()) {
    return Either.left(sessionExpired())
  }
  return Either.void
}

/** A session's user is checked once; checking another user later is refused. */
export const checkUserChange = (
  state: SessionState,
  userId: string | undefined
): Either.Either<void, DomainError> =>
  userId !== undefined && state.userId !== "" && state.userId !== userId
    ? Either.left(userChangeNotPossible())
    : Either.void

/** The user a password check applies to: checked in this command or earlier; else refused. */
export const passwordUser = (
  state: SessionState,
  userId: string | undefined
): Either.Either<string, DomainError> => {
  const user = userId ?? state.userId
  return user === "" ? Either.left(userIdMissing()) : Either.right(user)
}

export const checkLifetime = (lifetime: number | undefined): Either.Either<void, DomainError> =>
  lifetime !== undefined && lifetime < 0 ? Either.left(negativeLifetime()) : Either.void

/**
 * Metadata after a change, as ZITADEL's `ChangeMetadata` merges it: a non-empty value sets the
 * key, an empty one removes it; `undefined` when nothing changes.
 */
export const mergeMetadata = (
  current: Readonly<Record<string, string>>,
  changes: Readonly<Record<string, string>>
): Readonly<Record<string, string>> | undefined => {
  const next: Record<string, string> = { ...current }
  let changed = false
  for (const [key, value] of Object.entries(changes)) {
    if (value !== "") {
      if (next[key] !== value) {
        next[key] = value
        changed = true
      }
    } else if (key in next) {
      delete next[key]
      changed = true
    }
  }
  return changed ? next : undefined
}

/** The check, metadata and lifetime events of a change, in ZITADEL's order, without the token. */
const changeEvents = (
  state: SessionState,
  input: SessionChanges
): ReadonlyArray<SessionEvent> => {
  const events: Array<SessionEvent> = []
  if (input.user !== undefined) {
    events.push({
      _tag: "UserChecked",
      userID: input.user.userId,
      userResourceOwner: input.user.resourceOwner,
      checkedAt: input.user.checkedAt,
      ...(input.user.preferredLanguage === ""
        ? {}
        : { preferredLanguage: input.user.preferredLanguage })
    })
  }
  if (input.passwordCheckedAt !== undefined) {
    events.push({ _tag: "PasswordChecked", checkedAt: input.passwordCheckedAt })
  }
  const metadata = mergeMetadata(state.metadata, input.metadata ?? {})
  if (metadata !== undefined) events.push({ _tag: "MetadataSet", metadata })
  if (input.lifetime !== undefined && input.lifetime > 0) {
    events.push({ _tag: "LifetimeSet", lifetime: input.lifetime, setAt: input.now })
  }
  return events
}

const tokenSet = (token: NewToken): SessionEvent => ({
  _tag: "TokenSet",
  tokenID: token.tokenId,
  tokenHash: token.tokenHash
})

/** The checks of a change that need no other aggregate. */
const validateChanges = (
  state: SessionState,
  input: SessionChanges
): Either.Either<void, DomainError> =>
  Either.gen(function*() {
    yield* checkUserChange(state, input.user?.userId)
    if (input.passwordCheckedAt !== undefined) yield* passwordUser(state, input.user?.userId)
    yield* checkLifetime(input.lifetime)
  })

// Commands ------------------------------------------------------------------------------------

export interface CreateSessionInput extends SessionChanges {
  readonly userAgent?: UserAgent | undefined
}

/** Starts a session: `session.added`, the passed checks, metadata, lifetime, a first token. */
export const createSession = (state: SessionState, input: CreateSessionInput): Decision =>
  Either.gen(function*() {
    if (state.status !== "unspecified") {
      // Citadel's id: session ids are generated, so this only guards a reused id.
      return yield* Either.left(preconditionFailed("SESSION-x1st5", "Errors.Session.AlreadyExists"))
    }
    yield* validateChanges(state, input)
    const added: SessionEvent = {
      _tag: "SessionAdded",
      ...(input.userAgent === undefined ? {} : { user_agent: input.userAgent })
    }
    return [added, ...changeEvents(state, input), tokenSet(input.token)]
  })

export interface SetSessionInput extends SessionChanges {
  readonly access: SessionAccess
}

/**
 * The refusals of SetSession before any check runs: access, then the session must be active,
 * then the user may not change and the lifetime may not be negative.
 */
export const validateSet = (
  state: SessionState,
  input: Pick<SetSessionInput, "access" | "now" | "lifetime"> & {
    readonly userId?: string | undefined
  }
): Either.Either<void, DomainError> =>
  Either.gen(function*() {
    yield* authorizeWrite(state, input.access)
    yield* checkActive(state, input.now)
    yield* checkUserChange(state, input.userId)
    yield* checkLifetime(input.lifetime)
  })

/**
 * Adds checks, metadata or a lifetime to an active session and rotates its token. When nothing
 * changes, nothing is written and no new token is issued, as in ZITADEL.
 */
export const setSession = (state: SessionState, input: SetSessionInput): Decision =>
  Either.gen(function*() {
    yield* validateSet(state, { ...input, userId: input.user?.userId })
    yield* validateChanges(state, input)
    const events = changeEvents(state, input)
    return events.length === 0 ? [] : [...events, tokenSet(input.token)]
  })

/**
 * Terminates a session. A missing or already terminated session is no error and writes nothing;
 * an expired one is terminated like an active one.
 */
export const terminateSession = (
  state: SessionState,
  input: { readonly access: SessionAccess }
): Decision =>
  Either.gen(function*() {
    yield* authorizeTermination(state, input.access)
    if (state.status !== "active") return []
    return [{ _tag: "Terminated" } as const]
  })
