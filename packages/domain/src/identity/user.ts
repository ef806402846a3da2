import { Schema } from "effect"
import type { AggregateSpec } from "../kernel/aggregate.js"
import type { UniqueConstraint } from "../kernel/event.js"
import { eventCodec, exhaustive } from "./codec.js"

/**
 * The user aggregate: type `user`, id = user id, resource owner = the user's org id. Modelled
 * for machine users and their personal access tokens (PATs).
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

export interface UserState {
  readonly status: UserStatus
  readonly userName: string
  readonly name: string
  readonly tokens: ReadonlyMap<string, PersonalAccessToken>
}

export const initialUser: UserState = {
  status: "unspecified",
  userName: "",
  name: "",
  tokens: new Map()
}

export const evolveUser = (state: UserState, event: UserEvent): UserState => {
  switch (event._tag) {
    case "MachineAdded":
      return { ...state, status: "active", userName: event.userName, name: event.name }
    case "UserDeactivated":
      return { ...state, status: "inactive" }
    case "UserReactivated":
    case "UserUnlocked":
      return { ...state, status: "active" }
    case "UserLocked":
      return { ...state, status: "locked" }
    case "UserRemoved":
      return { ...state, status: "removed", tokens: new Map() }
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
 * `userLoginMustBeDomain` off, its default).
 */
const userConstraints = (state: UserState, event: UserEvent): ReadonlyArray<UniqueConstraint> => {
  switch (event._tag) {
    case "MachineAdded":
      return [{
        action: "add",
        type: "usernames",
        field: event.userName,
        errorId: "V3-DKcYh",
        message: "Errors.User.AlreadyExists"
      }]
    case "UserRemoved":
      return state.userName === ""
        ? []
        : [{ action: "remove", type: "usernames", field: state.userName }]
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
