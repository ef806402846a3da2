import { Option, Schema } from "effect"
import type { JsonPayload, StoredEvent } from "../kernel/event.js"
import type { CryptoValue } from "../ports/Crypto.js"

/** ZITADEL's `target.TargetType` (newest numbering, `internal/execution/target`). */
export const TargetType = { Webhook: 0, Call: 1, Async: 2 } as const
export type TargetType = (typeof TargetType)[keyof typeof TargetType]

/** ZITADEL's `target.PayloadType`, the same numbers as the `PAYLOAD_TYPE_*` proto enum. */
export const PayloadType = { Unspecified: 0, Json: 1, Jwt: 2, Jwe: 3 } as const
export type PayloadType = (typeof PayloadType)[keyof typeof PayloadType]

export const isTargetType = (value: unknown): value is TargetType =>
  value === 0 || value === 1 || value === 2

export const isPayloadType = (value: unknown): value is PayloadType =>
  value === 0 || value === 1 || value === 2 || value === 3

export const TargetEventType = {
  added: "target.added",
  changed: "target.changed",
  removed: "target.removed"
} as const

/** A target was created. `timeout` is in nanoseconds, as Go's `time.Duration` encodes it. */
export interface TargetAdded {
  readonly _tag: "TargetAdded"
  readonly name: string
  readonly targetType: TargetType
  readonly endpoint: string
  readonly timeout: number
  readonly interruptOnError: boolean
  readonly signingKey: CryptoValue | undefined
  readonly payloadType: PayloadType
}

/** Only the fields that changed are present. */
export interface TargetChanged {
  readonly _tag: "TargetChanged"
  readonly name?: string
  readonly targetType?: TargetType
  readonly endpoint?: string
  readonly timeout?: number
  readonly interruptOnError?: boolean
  readonly signingKey?: CryptoValue
  readonly payloadType?: PayloadType
}

export interface TargetRemoved {
  readonly _tag: "TargetRemoved"
}

export type TargetEvent = TargetAdded | TargetChanged | TargetRemoved

// -- payload codecs -------------------------------------------------------------------------

const CryptoValueJson = Schema.Struct({
  CryptoType: Schema.Number,
  Algorithm: Schema.String,
  KeyID: Schema.String,
  Crypted: Schema.String
})

const Nanoseconds = Schema.Number.pipe(Schema.int())

/**
 * Every payload shape ZITADEL ever wrote for the two events with fields: the newest one
 * (`endpoint`, `signingKey`, `payloadType`) and the legacy one (`url`, `async`), whose
 * `targetType` used the old numbering (Unspecified 0, Webhook 1, RequestResponse 2).
 */
const AddedPayload = Schema.Struct({
  name: Schema.String,
  targetType: Schema.optional(Schema.Number),
  endpoint: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  timeout: Schema.optional(Nanoseconds),
  async: Schema.optional(Schema.Boolean),
  interruptOnError: Schema.optional(Schema.Boolean),
  signingKey: Schema.optional(Schema.NullOr(CryptoValueJson)),
  payloadType: Schema.optional(Schema.Number)
})

const ChangedPayload = Schema.Struct({
  name: Schema.optional(Schema.String),
  targetType: Schema.optional(Schema.Number),
  endpoint: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  timeout: Schema.optional(Nanoseconds),
  async: Schema.optional(Schema.Boolean),
  interruptOnError: Schema.optional(Schema.Boolean),
  signingKey: Schema.optional(Schema.NullOr(CryptoValueJson)),
  payloadType: Schema.optional(Schema.Number)
})

const decodeAdded = Schema.decodeUnknownOption(AddedPayload)
const decodeChanged = Schema.decodeUnknownOption(ChangedPayload)

/** Old `domain.TargetType`: 1 webhook, 2 request/response (a call); `async` made it async. */
const legacyTargetType = (targetType: number | undefined, async: boolean | undefined) =>
  async === true ? TargetType.Async : targetType === 2 ? TargetType.Call : TargetType.Webhook

const newestTargetType = (targetType: number | undefined): TargetType =>
  isTargetType(targetType) ? targetType : TargetType.Webhook

const payloadTypeOf = (value: number | undefined): PayloadType =>
  isPayloadType(value) ? value : PayloadType.Unspecified

/** The typed event of a stored one; `None` for other event types or unreadable payloads. */
export const decodeTargetEvent = (stored: StoredEvent): Option.Option<TargetEvent> => {
  switch (stored.type) {
    case TargetEventType.added:
      return decodeAdded(stored.payload).pipe(Option.map((p): TargetAdded => {
        const legacy = p.endpoint === undefined && p.url !== undefined
        const targetType = legacy
          ? legacyTargetType(p.targetType, p.async)
          : newestTargetType(p.targetType)
        return {
          _tag: "TargetAdded",
          name: p.name,
          targetType,
          endpoint: p.endpoint ?? p.url ?? "",
          timeout: p.timeout ?? 0,
          interruptOnError: p.interruptOnError ?? false,
          signingKey: p.signingKey ?? undefined,
          payloadType: payloadTypeOf(p.payloadType)
        }
      }))
    case TargetEventType.changed:
      return decodeChanged(stored.payload ?? {}).pipe(Option.map((p): TargetChanged => {
        const legacy = p.endpoint === undefined && (p.url !== undefined || p.async !== undefined)
        const targetType = p.targetType === undefined && p.async === undefined
          ? undefined
          : legacy
          ? legacyTargetType(p.targetType, p.async)
          : newestTargetType(p.targetType)
        const endpoint = p.endpoint ?? p.url
        return {
          _tag: "TargetChanged",
          ...(p.name === undefined ? {} : { name: p.name }),
          ...(targetType === undefined ? {} : { targetType }),
          ...(endpoint === undefined ? {} : { endpoint }),
          ...(p.timeout === undefined ? {} : { timeout: p.timeout }),
          ...(p.interruptOnError === undefined ? {} : { interruptOnError: p.interruptOnError }),
          ...(p.signingKey == null ? {} : { signingKey: p.signingKey }),
          // Go writes `payloadType,omitempty` from a plain value: 0 means "not changed"
          ...(p.payloadType === undefined || p.payloadType === PayloadType.Unspecified
            ? {}
            : { payloadType: payloadTypeOf(p.payloadType) })
        }
      }))
    case TargetEventType.removed:
      return Option.some({ _tag: "TargetRemoved" })
    default:
      return Option.none()
  }
}

/** The event's ZITADEL type and payload, field names as ZITADEL's `repository/target`. */
export const encodeTargetEvent = (
  event: TargetEvent
): { readonly type: string; readonly payload: JsonPayload | null } => {
  switch (event._tag) {
    case "TargetAdded":
      return {
        type: TargetEventType.added,
        payload: {
          name: event.name,
          targetType: event.targetType,
          endpoint: event.endpoint,
          timeout: event.timeout,
          interruptOnError: event.interruptOnError,
          signingKey: event.signingKey ?? null,
          payloadType: event.payloadType
        }
      }
    case "TargetChanged": {
      const { _tag, ...fields } = event
      const payload: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) payload[key] = value
      }
      return { type: TargetEventType.changed, payload }
    }
    case "TargetRemoved":
      return { type: TargetEventType.removed, payload: null }
  }
}
