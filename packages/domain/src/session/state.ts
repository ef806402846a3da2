import type { SessionEvent, UserAgent } from "./events.js"

/** ZITADEL's `domain.SessionState`: unspecified 0, active 1, terminated 2. */
export type SessionStatus = "unspecified" | "active" | "terminated"

export const sessionStateNumber: { readonly [K in SessionStatus]: number } = {
  unspecified: 0,
  active: 1,
  terminated: 2
}

export interface SessionState {
  readonly status: SessionStatus
  readonly userAgent: UserAgent | undefined
  /** Empty until a user is checked. */
  readonly userId: string
  readonly userResourceOwner: string
  readonly userCheckedAt: Date | undefined
  readonly passwordCheckedAt: Date | undefined
  /** The latest token's id and digest; empty before the first token. */
  readonly tokenId: string
  readonly tokenHash: string
  /** Standard base64 values by key. */
  readonly metadata: Readonly<Record<string, string>>
  /** When the session stops being usable; undefined when it never expires. */
  readonly expiration: Date | undefined
}

export const initialSession: SessionState = {
  status: "unspecified",
  userAgent: undefined,
  userId: "",
  userResourceOwner: "",
  userCheckedAt: undefined,
  passwordCheckedAt: undefined,
  tokenId: "",
  tokenHash: "",
  metadata: {},
  expiration: undefined
}

/** Nanoseconds (Go's `time.Duration`) to whole milliseconds. */
export const nanosToMillis = (nanos: number): number => Math.floor(nanos / 1_000_000)

export const evolveSession = (state: SessionState, event: SessionEvent): SessionState => {
  switch (event._tag) {
    case "SessionAdded":
      return { ...state, status: "active", userAgent: event.user_agent }
    case "UserChecked":
      return {
        ...state,
        userId: event.userID,
        userResourceOwner: event.userResourceOwner,
        userCheckedAt: event.checkedAt
      }
    case "PasswordChecked":
      return { ...state, passwordCheckedAt: event.checkedAt }
    case "TokenSet":
      return { ...state, tokenId: event.tokenID, tokenHash: event.tokenHash }
    case "MetadataSet":
      return { ...state, metadata: event.metadata }
    case "LifetimeSet":
      return event.setAt === undefined ? state : {
        ...state,
        expiration: new Date(event.setAt.getTime() + nanosToMillis(event.lifetime))
      }
    case "Terminated":
      return { ...state, status: "terminated" }
    default:
      return state
  }
}
