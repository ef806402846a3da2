import type { JsonPayload, StoredEvent } from "../../src/kernel/index.js"

let position = 0

/** A stored event of instance `instance`, for decoding and read-side tests. */
export const storedEvent = (
  aggregate: { readonly type: string; readonly id: string },
  type: string,
  payload: JsonPayload | null,
  sequence = 1
): StoredEvent => ({
  aggregate: { instanceId: "instance", owner: "instance", version: 1, ...aggregate },
  type,
  payload,
  creator: "user",
  createdAt: new Date("2025-01-01T00:00:00.000Z"),
  sequence,
  position: { position: ++position, inTxOrder: 0 }
})
