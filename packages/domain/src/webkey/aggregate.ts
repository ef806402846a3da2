import type { AggregateSpec } from "../kernel/aggregate.js"
import type { UniqueConstraint } from "../kernel/event.js"
import { decodeWebKeyEvent, encodeWebKeyEvent, type WebKeyEvent } from "./events.js"
import { webKeyWriteModel, type WebKeyState } from "./state.js"

/** ZITADEL's `webkey.UniqueWebKeyType`: a key id is taken once per instance. */
export const uniqueKeyType = "web_key"

/**
 * Citadel's own constraint, taken by the first activation on an instance and never released
 * (from then on exactly one key is active): two writers that both find no active key cannot
 * both activate one. The loser decides again and finds the winner's key.
 */
export const uniqueActiveType = "web_key_active"
export const firstActivationErrorId = "WEBKEY-4ct1v"

/**
 * The constraints of one key's event. They depend on the key id, which the events do not
 * carry, so the web key use cases compute them here rather than through the spec.
 */
export const constraintsOf = (
  keyId: string,
  event: WebKeyEvent,
  firstActivation: boolean
): ReadonlyArray<UniqueConstraint> => {
  switch (event._tag) {
    case "WebKeyAdded":
      return [{
        action: "add",
        type: uniqueKeyType,
        field: keyId,
        errorId: "WEBKEY-d0pl1",
        message: "Errors.WebKey.Duplicate"
      }]
    case "WebKeyActivated":
      return firstActivation
        ? [{
          action: "add",
          type: uniqueActiveType,
          field: "active",
          errorId: firstActivationErrorId,
          message: "Errors.WebKey.Duplicate"
        }]
        : []
    case "WebKeyDeactivated":
      return []
    case "WebKeyRemoved":
      return [{ action: "remove", type: uniqueKeyType, field: keyId }]
  }
}

/** Aggregate type `web_key`, version `v1`; id = key id, resource owner = the instance. */
export const webKeyAggregate: AggregateSpec<WebKeyState, WebKeyEvent> = {
  type: "web_key",
  version: 1,
  model: webKeyWriteModel,
  decode: decodeWebKeyEvent,
  encode: encodeWebKeyEvent,
  // id-bound constraints come from `constraintsOf`; see above
  constraints: () => []
}
