import type { WriteModel } from "../kernel/decider.js"
import type { CryptoValue } from "../ports/Crypto.js"
import type { WebKeyConfig } from "./config.js"
import type { Jwk, WebKeyEvent } from "./events.js"

/**
 * ZITADEL's `domain.WebKeyState`. The write model never produces `Initial`: a new key is
 * `Inactive` until it is activated, in the write model and in the read model alike.
 */
export type WebKeyStatus = "Unspecified" | "Inactive" | "Active" | "Removed"

/** The numbers of the proto's `State` (STATE_INITIAL = 1 is never produced). */
export const statusNumber: Readonly<Record<WebKeyStatus, number>> = {
  Unspecified: 0,
  Active: 2,
  Inactive: 3,
  Removed: 4
}

/** One key. Its key material is dropped once it is removed, as ZITADEL's write model does. */
export interface WebKeyState {
  readonly status: WebKeyStatus
  readonly config: WebKeyConfig | undefined
  readonly publicKey: Jwk | undefined
  readonly privateKey: CryptoValue | undefined
}

export const initial: WebKeyState = {
  status: "Unspecified",
  config: undefined,
  publicKey: undefined,
  privateKey: undefined
}

export const evolve = (state: WebKeyState, event: WebKeyEvent): WebKeyState => {
  switch (event._tag) {
    case "WebKeyAdded":
      return {
        status: "Inactive",
        config: event.config,
        publicKey: event.publicKey,
        privateKey: event.privateKey
      }
    case "WebKeyActivated":
      return { ...state, status: "Active" }
    case "WebKeyDeactivated":
      return { ...state, status: "Inactive" }
    case "WebKeyRemoved":
      return {
        status: "Removed",
        config: state.config,
        publicKey: undefined,
        privateKey: undefined
      }
  }
}

export const webKeyWriteModel: WriteModel<WebKeyState, WebKeyEvent> = { initial, evolve }

/** A key exists from `added` until `removed`. */
export const exists = (state: WebKeyState): boolean =>
  state.status === "Inactive" || state.status === "Active"

// -- the instance's keys ----------------------------------------------------------------------

/** One event of one key: the rules on web keys span every key of the instance. */
export interface WebKeyChange {
  readonly keyId: string
  readonly event: WebKeyEvent
}

/** Every key of an instance by id, removed keys included. */
export type WebKeySet = ReadonlyMap<string, WebKeyState>

export const emptySet: WebKeySet = new Map()

export const evolveSet = (set: WebKeySet, change: WebKeyChange): WebKeySet => {
  const next = new Map(set)
  next.set(change.keyId, evolve(set.get(change.keyId) ?? initial, change.event))
  return next
}

/** The fold of all of an instance's web key events, in order. */
export const webKeySetModel: WriteModel<WebKeySet, WebKeyChange> = {
  initial: emptySet,
  evolve: evolveSet
}

/** Ids of the keys that are active; the rules keep it to at most one. */
export const activeKeyIds = (set: WebKeySet): ReadonlyArray<string> =>
  [...set].filter(([, key]) => key.status === "Active").map(([id]) => id)

export const activeKeyId = (set: WebKeySet): string | undefined => activeKeyIds(set)[0]

/** The published key set: the public key of every key not removed, active or not. */
export const publicKeys = (set: WebKeySet): ReadonlyArray<Jwk> =>
  [...set.values()].flatMap((key) =>
    exists(key) && key.publicKey !== undefined ? [key.publicKey] : []
  )
