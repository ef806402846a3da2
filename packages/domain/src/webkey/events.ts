import { Option } from "effect"
import type { JsonPayload, StoredEvent } from "../kernel/event.js"
import type { CryptoValue } from "../ports/Crypto.js"
import {
  configTypeNumber,
  decodeConfig,
  encodeConfig,
  type WebKeyConfig
} from "./config.js"

/** A JSON Web Key (RFC 7517) as stored in the events: public members only in `publicKey`. */
export type Jwk = { readonly [member: string]: unknown }

export const WebKeyEventType = {
  added: "web_key.added",
  activated: "web_key.activated",
  deactivated: "web_key.deactivated",
  removed: "web_key.removed"
} as const

export const eventTypes: ReadonlyArray<string> = Object.values(WebKeyEventType)

/**
 * A key pair was generated. `privateKey` is the private JWK as JSON, encrypted at rest;
 * `publicKey` is the public JWK with `kid`, `alg` and `use`.
 */
export interface WebKeyAdded {
  readonly _tag: "WebKeyAdded"
  readonly privateKey: CryptoValue
  readonly publicKey: Jwk
  readonly config: WebKeyConfig
}

/** The key became the instance's signing key. */
export interface WebKeyActivated {
  readonly _tag: "WebKeyActivated"
}

/** Another key became the signing key; this one is still published. */
export interface WebKeyDeactivated {
  readonly _tag: "WebKeyDeactivated"
}

/** The key is gone: neither used nor published. */
export interface WebKeyRemoved {
  readonly _tag: "WebKeyRemoved"
}

export type WebKeyEvent = WebKeyAdded | WebKeyActivated | WebKeyDeactivated | WebKeyRemoved

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value)

const cryptoValueOf = (value: unknown): CryptoValue | undefined =>
  isRecord(value) &&
    typeof value["CryptoType"] === "number" &&
    typeof value["Algorithm"] === "string" &&
    typeof value["KeyID"] === "string" &&
    typeof value["Crypted"] === "string"
    ? {
      CryptoType: value["CryptoType"],
      Algorithm: value["Algorithm"],
      KeyID: value["KeyID"],
      Crypted: value["Crypted"]
    }
    : undefined

const decodeAdded = (payload: JsonPayload | null): Option.Option<WebKeyAdded> => {
  if (payload === null) return Option.none()
  const privateKey = cryptoValueOf(payload["privateKey"])
  const publicKey = payload["publicKey"]
  const config = decodeConfig(payload["config"], payload["configType"])
  return privateKey === undefined || !isRecord(publicKey) || config === undefined
    ? Option.none()
    : Option.some({ _tag: "WebKeyAdded", privateKey, publicKey, config })
}

/** The typed event of a stored one; `None` for other event types or unreadable payloads. */
export const decodeWebKeyEvent = (stored: StoredEvent): Option.Option<WebKeyEvent> => {
  switch (stored.type) {
    case WebKeyEventType.added:
      return decodeAdded(stored.payload)
    case WebKeyEventType.activated:
      return Option.some({ _tag: "WebKeyActivated" })
    case WebKeyEventType.deactivated:
      return Option.some({ _tag: "WebKeyDeactivated" })
    case WebKeyEventType.removed:
      return Option.some({ _tag: "WebKeyRemoved" })
    default:
      return Option.none()
  }
}

/**
 * The event's ZITADEL type and payload (`repository/webkey`): `privateKey`, `publicKey`,
 * `config` and `configType` on `added`; the other three carry no fields.
 */
export const encodeWebKeyEvent = (
  event: WebKeyEvent
): { readonly type: string; readonly payload: JsonPayload | null } => {
  switch (event._tag) {
    case "WebKeyAdded":
      return {
        type: WebKeyEventType.added,
        payload: {
          privateKey: event.privateKey,
          publicKey: event.publicKey,
          config: encodeConfig(event.config),
          configType: event.config._tag
        }
      }
    case "WebKeyActivated":
      return { type: WebKeyEventType.activated, payload: null }
    case "WebKeyDeactivated":
      return { type: WebKeyEventType.deactivated, payload: null }
    case "WebKeyRemoved":
      return { type: WebKeyEventType.removed, payload: null }
  }
}

/** The read model's `config_type` number of a config. */
export const configTypeOf = (config: WebKeyConfig): number => configTypeNumber[config._tag]
