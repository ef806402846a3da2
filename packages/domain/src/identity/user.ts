import { Schema } from "effect"
import type { AggregateSpec } from "../kernel/aggregate.js"
import type { UniqueConstraint } from "../kernel/event.js"
import { eventCodec, exhaustive } from "./codec.js"

/**
 * The user aggregate: type `user`, id = user id, resource owner = the user's org id. Human users
 * (profile, email, phone, password, password checks) and machine users (PATs, client secret).
 * The deciders live in `../user/`.
 */

// Events -----------------------------------------------------------------------------------

/** ZITADEL's `domain.OIDCTokenType`: 0 bearer, 1 JWT. */
export const AccessTokenType = { Bearer: 0, JWT: 1 } as const

export const MachineAdded = Schema.TaggedStruct("MachineAdded", {
  userName: Schema.String,
  name: Schema.String,
  description: Schema.optionalWith(Schema.String, { default: () => "" }),
  accessTokenType: Schema.optionalWith(Schema.Number, { default: () => AccessTokenType.Bearer })
})

/** ZITADEL's `domain.Gender`: 0 unspecified, 1 female, 2 male, 3 diverse. */
export const Gender = { Unspecified: 0, Female: 1, Male: 2, Diverse: 3 } as const

const optionalText = Schema.optionalWith(Schema.String, { default: () => "" })

/**
 * `user.human.added`, with ZITADEL's payload names. The password arrives as `encodedHash` (a
 * PHC / modular crypt string, as ZITADEL writes since its switch to passwap); events that carry
 * only the older encrypted `secret` have no password we can check.
 */
export const HumanAdded = Schema.TaggedStruct("HumanAdded", {
  userName: Schema.String,
  firstName: optionalText,
  lastName: optionalText,
  nickName: optionalText,
  displayName: optionalText,
  preferredLanguage: optionalText,
  gender: Schema.optionalWith(Schema.Number, { default: () => Gender.Unspecified }),
  email: optionalText,
  phone: optionalText,
  encodedHash: optionalText,
  changeRequired: Schema.optionalWith(Schema.Boolean, { default: () => false })
})

export const HumanEmailVerified = Schema.TaggedStruct("HumanEmailVerified", {})
export const HumanPhoneVerified = Schema.TaggedStruct("HumanPhoneVerified", {})

export const UsernameChanged = Schema.TaggedStruct("UsernameChanged", { userName: Schema.String })

export const HumanPasswordChanged = Schema.TaggedStruct("HumanPasswordChanged", {
  encodedHash: Schema.String,
  changeRequired: Schema.optionalWith(Schema.Boolean, { default: () => false })
})

export const HumanPasswordCheckSucceeded = Schema.TaggedStruct("HumanPasswordCheckSucceeded", {})
export const HumanPasswordCheckFailed = Schema.TaggedStruct("HumanPasswordCheckFailed", {})

/** `user.machine.secret.set` with ZITADEL's `hashedSecret` (the client secret's PHC hash). */
export const MachineSecretSet = Schema.TaggedStruct("MachineSecretSet", {
  hashedSecret: Schema.String
})

export const MachineSecretRemoved = Schema.TaggedStruct("MachineSecretRemoved", {})

export const UserDeactivated = Schema.TaggedStruct("UserDeactivated", {})
export const UserReactivated = Schema.TaggedStruct("UserReactivated", {})
export const UserLocked = Schema.TaggedStruct("UserLocked", {})
export const UserUnlocked = Schema.TaggedStruct("UserUnlocked", {})
export const UserRemoved = Schema.TaggedStruct("UserRemoved", {})

/**
 * ZITADEL's PAT payload plus `tokenHash`, the digest of the token's secret, so that the token
 * read model can be rebuilt from events. The secret itself is never stored.
 */
export const PersonalAccessTokenAdded = Schema.TaggedStruct("PersonalAccessTokenAdded", {
  tokenId: Schema.String,
  expiration: Schema.Date,
  scopes: Schema.Array(Schema.String),
  tokenHash: Schema.String
})

export const PersonalAccessTokenRemoved = Schema.TaggedStruct("PersonalAccessTokenRemoved", {
  tokenId: Schema.String
})

export const UserEvent = Schema.Union(
  MachineAdded,
  HumanAdded,
  HumanEmailVerified,
  HumanPhoneVerified,
  UsernameChanged,
  HumanPasswordChanged,
  HumanPasswordCheckSucceeded,
  HumanPasswordCheckFailed,
  MachineSecretSet,
  MachineSecretRemoved,
  UserDeactivated,
  UserReactivated,
  UserLocked,
  UserUnlocked,
  UserRemoved,
  PersonalAccessTokenAdded,
  PersonalAccessTokenRemoved
)
export type UserEvent = typeof UserEvent.Type

export const userEventTypes = {
  MachineAdded: "user.machine.added",
  HumanAdded: "user.human.added",
  HumanEmailVerified: "user.human.email.verified",
  HumanPhoneVerified: "user.human.phone.verified",
  UsernameChanged: "user.username.changed",
  HumanPasswordChanged: "user.human.password.changed",
  HumanPasswordCheckSucceeded: "user.human.password.check.succeeded",
  HumanPasswordCheckFailed: "user.human.password.check.failed",
  MachineSecretSet: "user.machine.secret.set",
  MachineSecretRemoved: "user.machine.secret.removed",
  UserDeactivated: "user.deactivated",
  UserReactivated: "user.reactivated",
  UserLocked: "user.locked",
  UserUnlocked: "user.unlocked",
  UserRemoved: "user.removed",
  PersonalAccessTokenAdded: "user.pat.added",
  PersonalAccessTokenRemoved: "user.pat.removed"
} as const

// State ------------------------------------------------------------------------------------

export type UserStatus = "unspecified" | "active" | "inactive" | "locked" | "removed"

/** ZITADEL's `domain.UserState` numbers, as read models store them. */
export const userStateNumber: { readonly [K in UserStatus]: number } = {
  unspecified: 0,
  active: 1,
  inactive: 2,
  removed: 3,
  locked: 4
}

export interface PersonalAccessToken {
  readonly expiration: Date
  readonly scopes: ReadonlyArray<string>
  readonly tokenHash: string
}

export interface HumanProfile {
  readonly firstName: string
  readonly lastName: string
  readonly nickName: string
  readonly displayName: string
  readonly preferredLanguage: string
  readonly gender: number
  readonly email: string
  readonly isEmailVerified: boolean
  readonly phone: string
  readonly isPhoneVerified: boolean
}

export interface UserState {
  readonly status: UserStatus
  /** `none` until the user is added. */
  readonly kind: "none" | "human" | "machine"
  readonly userName: string
  /** The machine's name; empty for humans. */
  readonly name: string
  readonly tokens: ReadonlyMap<string, PersonalAccessToken>
  /** Present for human users. */
  readonly human: HumanProfile | undefined
  /** The password's encoded hash; empty when the user has none. */
  readonly encodedHash: string
  readonly passwordChangeRequired: boolean
  /** Failed password checks since the last success or unlock (ZITADEL's lockout counter). */
  readonly failedPasswordChecks: number
  /** The machine's hashed client secret; empty when none is set. */
  readonly hashedSecret: string
}

export const initialUser: UserState = {
  status: "unspecified",
  kind: "none",
  userName: "",
  name: "",
  tokens: new Map(),
  human: undefined,
  encodedHash: "",
  passwordChangeRequired: false,
  failedPasswordChecks: 0,
  hashedSecret: ""
}

const withHuman = (state: UserState, change: Partial<HumanProfile>): UserState =>
  state.human === undefined ? state : { ...state, human: { ...state.human, ...change } }

export const evolveUser = (state: UserState, event: UserEvent): UserState => {
  switch (event._tag) {
    case "MachineAdded":
      return {
        ...state,
        status: "active",
        kind: "machine",
        userName: event.userName,
        name: event.name
      }
    case "HumanAdded":
      return {
        ...state,
        status: "active",
        kind: "human",
        userName: event.userName,
        human: {
          firstName: event.firstName,
          lastName: event.lastName,
          nickName: event.nickName,
          displayName: event.displayName,
          preferredLanguage: event.preferredLanguage,
          gender: event.gender,
          email: event.email,
          isEmailVerified: false,
          phone: event.phone,
          isPhoneVerified: false
        },
        encodedHash: event.encodedHash,
        passwordChangeRequired: event.changeRequired
      }
    case "HumanEmailVerified":
      return withHuman(state, { isEmailVerified: true })
    case "HumanPhoneVerified":
      return withHuman(state, { isPhoneVerified: true })
    case "UsernameChanged":
      return { ...state, userName: event.userName }
    case "HumanPasswordChanged":
      return {
        ...state,
        encodedHash: event.encodedHash,
        passwordChangeRequired: event.changeRequired
      }
    case "HumanPasswordCheckSucceeded":
      return { ...state, failedPasswordChecks: 0 }
    case "HumanPasswordCheckFailed":
      return { ...state, failedPasswordChecks: state.failedPasswordChecks + 1 }
    case "MachineSecretSet":
      return { ...state, hashedSecret: event.hashedSecret }
    case "MachineSecretRemoved":
      return { ...state, hashedSecret: "" }
    case "UserDeactivated":
      return { ...state, status: "inactive" }
    case "UserReactivated":
      return { ...state, status: "active" }
    case "UserUnlocked":
      return { ...state, status: "active", failedPasswordChecks: 0 }
    case "UserLocked":
      return { ...state, status: "locked" }
    case "UserRemoved":
      return { ...state, status: "removed", tokens: new Map(), hashedSecret: "" }
    case "PersonalAccessTokenAdded":
      return {
        ...state,
        tokens: new Map(state.tokens).set(event.tokenId, {
          expiration: event.expiration,
          scopes: event.scopes,
          tokenHash: event.tokenHash
        })
      }
    case "PersonalAccessTokenRemoved": {
      const tokens = new Map(state.tokens)
      tokens.delete(event.tokenId)
      return { ...state, tokens }
    }
    default:
      return exhaustive(event, state)
  }
}

// Constraints ------------------------------------------------------------------------------

/**
 * User names are unique per instance (ZITADEL's `usernames` constraint with
 * `userLoginMustBeDomain` off, its default), ignoring case: login looks names up ignoring case,
 * so `Minnie` in one org must not shadow `minnie` in another.
 */
export const userNameConstraint = "usernames"

const userNameKey = (userName: string) => userName.toLowerCase()

const removeUserName = (userName: string): UniqueConstraint => ({
  action: "remove",
  type: userNameConstraint,
  field: userNameKey(userName)
})

const addUserName = (userName: string): UniqueConstraint => ({
  action: "add",
  type: userNameConstraint,
  field: userNameKey(userName),
  errorId: "V3-DKcYh",
  message: "Errors.User.AlreadyExists"
})

const userConstraints = (state: UserState, event: UserEvent): ReadonlyArray<UniqueConstraint> => {
  switch (event._tag) {
    case "MachineAdded":
    case "HumanAdded":
      return [addUserName(event.userName)]
    case "UsernameChanged":
      return event.userName === state.userName
        ? []
        : [removeUserName(state.userName), addUserName(event.userName)]
    case "UserRemoved":
      return state.userName === ""
        ? []
        : [removeUserName(state.userName)]
    default:
      return []
  }
}

const codec = eventCodec(UserEvent, userEventTypes)

export const userAggregate: AggregateSpec<UserState, UserEvent> = {
  type: "user",
  version: 2,
  model: { initial: initialUser, evolve: evolveUser },
  decode: codec.decode,
  encode: codec.encode,
  constraints: userConstraints
}
