import { Either } from "effect"
import {
  alreadyExists,
  type DomainError,
  invalidArgument,
  notFound,
  preconditionFailed
} from "../kernel/errors.js"
import type { OrgState } from "../identity/org.js"
import {
  AccessTokenType,
  Gender,
  type UserEvent,
  type UserState
} from "../identity/user.js"

/**
 * One decider per user command: `(state, input) -> Either<DomainError, UserEvent[]>`. Ids,
 * hashes, token digests and the current time arrive in the input.
 */

type Decision = Either.Either<ReadonlyArray<UserEvent>, DomainError>

const events = (...list: ReadonlyArray<UserEvent>): Decision => Either.right(list)

const exists = (state: UserState): boolean =>
  state.status !== "unspecified" && state.status !== "removed"

const userNotFound = (id: string) => Either.left(notFound(id, "Errors.User.NotFound"))

/** The user's org must exist and be active. */
const checkOrg = (org: OrgState): Either.Either<void, DomainError> =>
  org.status === "active"
    ? Either.void
    // Citadel's id: ZITADEL reports a missing org from its own org checks.
    : Either.left(preconditionFailed("USER-0rgN0t", "Errors.Org.NotFound"))

// Adding ------------------------------------------------------------------------------------

export interface AddHumanInput {
  readonly org: OrgState
  readonly userName: string
  readonly firstName: string
  readonly lastName: string
  readonly nickName?: string | undefined
  readonly displayName?: string | undefined
  readonly preferredLanguage?: string | undefined
  readonly gender?: number | undefined
  readonly email: string
  readonly isEmailVerified?: boolean | undefined
  readonly phone?: string | undefined
  readonly isPhoneVerified?: boolean | undefined
  /** The password's encoded hash (hashed by the use case, or imported as it is). */
  readonly encodedHash?: string | undefined
  readonly changeRequired?: boolean | undefined
}

/** A deliberately loose shape check: something, an `@`, something. */
const emailPattern = /^[^\s@]+@[^\s@]+$/

/** The input checks of AddHuman, in ZITADEL's order; they need no state. */
export const validateAddHuman = (
  input: Omit<AddHumanInput, "org">
): Either.Either<void, DomainError> => {
  if (input.userName.trim() === "") {
    return Either.left(invalidArgument("V2-zzad3", "Errors.Invalid.Argument"))
  }
  if (input.firstName.trim() === "") {
    return Either.left(invalidArgument("USER-UCej2", "Errors.User.Profile.FirstNameEmpty"))
  }
  if (input.lastName.trim() === "") {
    return Either.left(invalidArgument("USER-4hB7d", "Errors.User.Profile.LastNameEmpty"))
  }
  const email = input.email.trim()
  if (email === "") return Either.left(invalidArgument("EMAIL-spblu", "Errors.User.Email.Empty"))
  if (!emailPattern.test(email)) {
    return Either.left(invalidArgument("EMAIL-599BI", "Errors.User.Email.Invalid"))
  }
  const gender = input.gender ?? Gender.Unspecified
  if (!Object.values(Gender).includes(gender as 0)) {
    return Either.left(invalidArgument("USER-g3nd3r", "Errors.Invalid.Argument", "unknown gender"))
  }
  return Either.void
}

/**
 * Adds a human user. An empty display name becomes "first last", as in ZITADEL. A verified
 * email or phone is recorded with its own `verified` event right after `user.human.added`.
 */
export const addHuman = (state: UserState, input: AddHumanInput): Decision =>
  Either.gen(function*() {
    yield* validateAddHuman(input)
    if (state.status !== "unspecified") {
      return yield* Either.left(alreadyExists("COMMAND-7yiox", "Errors.User.AlreadyExists"))
    }
    yield* checkOrg(input.org)
    const firstName = input.firstName.trim()
    const lastName = input.lastName.trim()
    const displayName = input.displayName?.trim() || `${firstName} ${lastName}`
    const phone = input.phone?.trim() ?? ""
    const added: UserEvent = {
      _tag: "HumanAdded",
      userName: input.userName.trim(),
      firstName,
      lastName,
      nickName: input.nickName?.trim() ?? "",
      displayName,
      preferredLanguage: input.preferredLanguage ?? "",
      gender: input.gender ?? Gender.Unspecified,
      email: input.email.trim(),
      phone,
      encodedHash: input.encodedHash ?? "",
      changeRequired: input.changeRequired ?? false
    }
    const verified: Array<UserEvent> = []
    if (input.isEmailVerified === true) verified.push({ _tag: "HumanEmailVerified" })
    if (phone !== "" && input.isPhoneVerified === true) {
      verified.push({ _tag: "HumanPhoneVerified" })
    }
    return [added, ...verified]
  })

export interface AddMachineInput {
  readonly org: OrgState
  readonly userName: string
  readonly name: string
  readonly description?: string | undefined
  readonly accessTokenType?: number | undefined
}

export const validateAddMachine = (
  input: Omit<AddMachineInput, "org">
): Either.Either<void, DomainError> => {
  if (input.name.trim() === "") {
    return Either.left(invalidArgument("COMMAND-bs9Ds", "Errors.User.Invalid"))
  }
  if (input.userName.trim() === "") {
    return Either.left(invalidArgument("COMMAND-bm9Ds", "Errors.User.Invalid"))
  }
  return Either.void
}

export const addMachine = (state: UserState, input: AddMachineInput): Decision =>
  Either.gen(function*() {
    yield* validateAddMachine(input)
    if (state.status !== "unspecified") {
      return yield* Either.left(alreadyExists("COMMAND-k2unb", "Errors.User.AlreadyExists"))
    }
    yield* checkOrg(input.org)
    return [{
      _tag: "MachineAdded",
      userName: input.userName.trim(),
      name: input.name.trim(),
      description: input.description ?? "",
      accessTokenType: input.accessTokenType ?? AccessTokenType.Bearer
    }]
  })

// Changing ----------------------------------------------------------------------------------

/** Renames the user; the `usernames` constraint moves with the name. */
export const changeUsername = (
  state: UserState,
  input: { readonly userName: string }
): Decision => {
  const userName = input.userName.trim()
  if (userName === "") return Either.left(invalidArgument("COMMAND-6m9gs", "Errors.User.Invalid"))
  if (!exists(state)) return userNotFound("COMMAND-5N9ds")
  if (userName === state.userName) {
    return Either.left(preconditionFailed("COMMAND-6m9gs", "Errors.User.UsernameNotChanged"))
  }
  return events({ _tag: "UsernameChanged", userName })
}

/** Sets a human's password to the given hash. */
export const setPassword = (
  state: UserState,
  input: { readonly encodedHash: string; readonly changeRequired: boolean }
): Decision => {
  if (!exists(state)) return userNotFound("COMMAND-G8dh3")
  if (state.kind !== "human") {
    return Either.left(preconditionFailed("COMMAND-3M9ds", "Errors.User.NotHuman"))
  }
  return events({
    _tag: "HumanPasswordChanged",
    encodedHash: input.encodedHash,
    changeRequired: input.changeRequired
  })
}

// State changes -------------------------------------------------------------------------------

/** Deactivates an active or locked user; an inactive one is refused, as ZITADEL does. */
export const deactivate = (state: UserState): Decision => {
  if (!exists(state)) return userNotFound("COMMAND-m0gDf")
  if (state.status === "inactive") {
    return Either.left(preconditionFailed("COMMAND-5M0sf", "Errors.User.AlreadyInactive"))
  }
  return events({ _tag: "UserDeactivated" })
}

export const reactivate = (state: UserState): Decision => {
  if (!exists(state)) return userNotFound("COMMAND-4M0sd")
  if (state.status !== "inactive") {
    return Either.left(preconditionFailed("COMMAND-6M0sf", "Errors.User.NotInactive"))
  }
  return events({ _tag: "UserReactivated" })
}

export const lock = (state: UserState): Decision => {
  if (!exists(state)) return userNotFound("COMMAND-5M9fs")
  if (state.status !== "active") {
    return Either.left(preconditionFailed("COMMAND-3NN8v", "Errors.User.ShouldBeActiveOrInitial"))
  }
  return events({ _tag: "UserLocked" })
}

export const unlock = (state: UserState): Decision => {
  if (!exists(state)) return userNotFound("COMMAND-M0dse")
  if (state.status !== "locked") {
    return Either.left(preconditionFailed("COMMAND-4M0ds", "Errors.User.NotLocked"))
  }
  return events({ _tag: "UserUnlocked" })
}

/** Removes the user; its user name is free again. */
export const remove = (state: UserState): Decision =>
  exists(state) ? events({ _tag: "UserRemoved" }) : userNotFound("COMMAND-m9od")

// Machine credentials -------------------------------------------------------------------------

const machineOnly = (state: UserState, notFoundId: string): Either.Either<void, DomainError> => {
  if (!exists(state)) return userNotFound(notFoundId)
  return state.kind === "machine"
    ? Either.void
    : Either.left(preconditionFailed("COMMAND-Df2f1", "Errors.User.WrongType"))
}

export interface AddPersonalAccessTokenInput {
  readonly tokenId: string
  readonly expiration: Date
  readonly scopes: ReadonlyArray<string>
  readonly tokenHash: string
  readonly now: Date
}

/** Adds a PAT to a machine user; the expiration must lie in the future. */
export const addPersonalAccessToken = (
  state: UserState,
  input: AddPersonalAccessTokenInput
): Decision =>
  Either.gen(function*() {
    yield* machineOnly(state, "COMMAND-Dv312")
    if (input.expiration.getTime() <= input.now.getTime()) {
      return yield* Either.left(
        invalidArgument("COMMAND-dv3t5", "Errors.AccessToken.InvalidExpirationDate")
      )
    }
    return [{
      _tag: "PersonalAccessTokenAdded",
      tokenId: input.tokenId,
      expiration: input.expiration,
      scopes: input.scopes,
      tokenHash: input.tokenHash
    }]
  })

export const removePersonalAccessToken = (
  state: UserState,
  input: { readonly tokenId: string }
): Decision => {
  if (!exists(state)) return userNotFound("COMMAND-4m77G")
  if (!state.tokens.has(input.tokenId)) {
    return Either.left(notFound("COMMAND-4m77G", "Errors.User.PAT.NotFound"))
  }
  return events({ _tag: "PersonalAccessTokenRemoved", tokenId: input.tokenId })
}

/** Sets (or replaces) a machine's client secret, given its hash. */
export const setMachineSecret = (
  state: UserState,
  input: { readonly hashedSecret: string }
): Decision =>
  Either.flatMap(
    machineOnly(state, "COMMAND-x8910n"),
    () => events({ _tag: "MachineSecretSet", hashedSecret: input.hashedSecret })
  )

export const removeMachineSecret = (state: UserState): Decision =>
  Either.flatMap(machineOnly(state, "COMMAND-0qp2hus"), () =>
    state.hashedSecret === ""
      ? Either.left(notFound("COMMAND-vtwtr", "Errors.User.Machine.Secret.NotExisting"))
      : events({ _tag: "MachineSecretRemoved" }))

// Password check ------------------------------------------------------------------------------

/**
 * Why a password cannot be checked at all: the refusal comes before any hash is computed, and
 * no event is written.
 */
export const passwordCheckRefusal = (state: UserState): DomainError | undefined => {
  if (!exists(state)) return notFound("COMMAND-3n77z", "Errors.User.NotFound")
  if (state.status === "locked") return preconditionFailed("COMMAND-JLK35", "Errors.User.Locked")
  if (state.status === "inactive") {
    // Citadel's id: a deactivated user may not sign in.
    return preconditionFailed("COMMAND-1nact", "Errors.User.NotActive")
  }
  if (state.kind !== "human" || state.encodedHash === "") {
    return preconditionFailed("COMMAND-3nJ4t", "Errors.User.Password.NotSet")
  }
  return undefined
}

export interface CheckPasswordInput {
  /** Whether the password matched the user's hash. */
  readonly matched: boolean
  /** Failed checks in a row that lock the user; 0 never locks. */
  readonly maxPasswordAttempts: number
}

/**
 * Records a password check: `succeeded` (which resets the failure count), or `failed`, followed
 * by `user.locked` when this failure reaches the lockout limit.
 */
export const checkPassword = (state: UserState, input: CheckPasswordInput): Decision => {
  const refusal = passwordCheckRefusal(state)
  if (refusal !== undefined) return Either.left(refusal)
  if (input.matched) return events({ _tag: "HumanPasswordCheckSucceeded" })
  const limitReached = input.maxPasswordAttempts > 0 &&
    state.failedPasswordChecks + 1 >= input.maxPasswordAttempts
  return limitReached
    ? events({ _tag: "HumanPasswordCheckFailed" }, { _tag: "UserLocked" })
    : events({ _tag: "HumanPasswordCheckFailed" })
}
