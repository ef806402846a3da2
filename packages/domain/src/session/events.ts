import { Schema } from "effect"

/**
 * Events of the session aggregate (ZITADEL's `internal/repository/session`), with its payload
 * field names. Only the user and password factors are modelled; the other check events
 * (intent, WebAuthN, TOTP, OTP) are not written by Citadel yet and are ignored when read.
 */

/** ZITADEL's `domain.UserAgent` as stored in `session.added`: snake_case keys, all optional. */
export const UserAgent = Schema.Struct({
  fingerprint_id: Schema.optional(Schema.String),
  ip: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  header: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }))
})
export type UserAgent = typeof UserAgent.Type

export const SessionAdded = Schema.TaggedStruct("SessionAdded", {
  user_agent: Schema.optional(UserAgent)
})

/** The checked user, its org, and its preferred language (omitted when it has none). */
export const UserChecked = Schema.TaggedStruct("UserChecked", {
  userID: Schema.String,
  userResourceOwner: Schema.optionalWith(Schema.String, { default: () => "" }),
  checkedAt: Schema.Date,
  preferredLanguage: Schema.optional(Schema.String)
})

export const PasswordChecked = Schema.TaggedStruct("PasswordChecked", { checkedAt: Schema.Date })

/**
 * ZITADEL's `tokenID` plus `tokenHash`, the digest of the token handed to the caller, so that
 * a token can be verified from events alone. The token itself is never stored.
 */
export const TokenSet = Schema.TaggedStruct("TokenSet", {
  tokenID: Schema.String,
  tokenHash: Schema.optionalWith(Schema.String, { default: () => "" })
})

/** The whole metadata after the change; values are bytes, in JSON standard base64. */
export const MetadataSet = Schema.TaggedStruct("MetadataSet", {
  metadata: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), {
    default: () => ({})
  })
})

/**
 * `lifetime` in nanoseconds, as Go's `time.Duration` encodes it. `setAt` is the event's creation
 * date: it is not part of the payload, the aggregate's decoder fills it from the envelope
 * (ZITADEL computes the expiration as the event's creation date plus the lifetime).
 */
export const LifetimeSet = Schema.TaggedStruct("LifetimeSet", {
  lifetime: Schema.Number,
  setAt: Schema.optional(Schema.Date)
})

export const Terminated = Schema.TaggedStruct("Terminated", {
  triggerOrigin: Schema.optional(Schema.String)
})

export const SessionEvent = Schema.Union(
  SessionAdded,
  UserChecked,
  PasswordChecked,
  TokenSet,
  MetadataSet,
  LifetimeSet,
  Terminated
)
export type SessionEvent = typeof SessionEvent.Type

export const sessionEventTypes = {
  SessionAdded: "session.added",
  UserChecked: "session.user.checked",
  PasswordChecked: "session.password.checked",
  TokenSet: "session.token.set",
  MetadataSet: "session.metadata.set",
  LifetimeSet: "session.lifetime.set",
  Terminated: "session.terminated"
} as const

/** The event types this aggregate writes and folds. */
export const eventTypes: ReadonlyArray<string> = Object.values(sessionEventTypes)
