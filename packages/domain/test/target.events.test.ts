import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import {
  decodeTargetEvent,
  encodeTargetEvent,
  PayloadType,
  type TargetEvent,
  TargetType
} from "../src/target/index.js"
import { storedEvent } from "./support/events.js"

const target = { type: "target", id: "t1" }
const signingKey = { CryptoType: 0, Algorithm: "aes", KeyID: "k1", Crypted: "c2VjcmV0" }

const decode = (type: string, payload: Record<string, unknown> | null) =>
  decodeTargetEvent(storedEvent(target, type, payload))

describe("Target events › encoding", () => {
  it("writes target.added with ZITADEL's payload keys", () => {
    const event: TargetEvent = {
      _tag: "TargetAdded",
      name: "hook",
      targetType: TargetType.Call,
      endpoint: "https://example.com/call",
      timeout: 10_000_000_000,
      interruptOnError: true,
      signingKey,
      payloadType: PayloadType.Jwt
    }
    expect(encodeTargetEvent(event)).toEqual({
      type: "target.added",
      payload: {
        name: "hook",
        targetType: 1,
        endpoint: "https://example.com/call",
        timeout: 10_000_000_000,
        interruptOnError: true,
        signingKey: { CryptoType: 0, Algorithm: "aes", KeyID: "k1", Crypted: "c2VjcmV0" },
        payloadType: 2
      }
    })
    expect(decode("target.added", encodeTargetEvent(event).payload)).toEqual(Option.some(event))
  })

  it("writes only the changed fields of target.changed", () => {
    const event: TargetEvent = { _tag: "TargetChanged", endpoint: "https://x.example", timeout: 5 }
    expect(encodeTargetEvent(event)).toEqual({
      type: "target.changed",
      payload: { endpoint: "https://x.example", timeout: 5 }
    })
    expect(decode("target.changed", encodeTargetEvent(event).payload)).toEqual(Option.some(event))
  })

  it("writes target.removed without a payload", () => {
    expect(encodeTargetEvent({ _tag: "TargetRemoved" })).toEqual({
      type: "target.removed",
      payload: null
    })
    expect(decode("target.removed", null)).toEqual(Option.some({ _tag: "TargetRemoved" }))
  })
})

describe("Target events › decoding ZITADEL's payloads", () => {
  it("reads a newest target.added", () => {
    const payload = {
      name: "n",
      targetType: 2,
      endpoint: "https://e.example",
      timeout: 1_000_000_000,
      interruptOnError: false,
      signingKey,
      payloadType: 3
    }
    expect(decode("target.added", payload)).toEqual(Option.some({
      _tag: "TargetAdded",
      name: "n",
      targetType: TargetType.Async,
      endpoint: "https://e.example",
      timeout: 1_000_000_000,
      interruptOnError: false,
      signingKey,
      payloadType: PayloadType.Jwe
    }))
  })

  it("reads a target.added written before signing keys and payload types", () => {
    const payload = { name: "n", targetType: 1, endpoint: "https://e", timeout: 7 }
    expect(decode("target.added", payload)).toEqual(Option.some({
      _tag: "TargetAdded",
      name: "n",
      targetType: TargetType.Call,
      endpoint: "https://e",
      timeout: 7,
      interruptOnError: false,
      signingKey: undefined,
      payloadType: PayloadType.Unspecified
    }))
  })

  it.each([
    [1, false, TargetType.Webhook],
    [2, false, TargetType.Call],
    [1, true, TargetType.Async],
    [0, false, TargetType.Webhook]
  ])("reads a legacy target.added [url, old type %d, async %s]", (targetType, async, expected) => {
    const payload = {
      name: "n",
      targetType,
      url: "https://legacy.example",
      timeout: 3,
      async,
      interruptOnError: true
    }
    expect(decode("target.added", payload)).toEqual(Option.some({
      _tag: "TargetAdded",
      name: "n",
      targetType: expected,
      endpoint: "https://legacy.example",
      timeout: 3,
      interruptOnError: true,
      signingKey: undefined,
      payloadType: PayloadType.Unspecified
    }))
  })

  it("reads a legacy target.changed [url and async]", () => {
    expect(decode("target.changed", { url: "https://new.example", async: true }))
      .toEqual(Option.some({
        _tag: "TargetChanged",
        endpoint: "https://new.example",
        targetType: TargetType.Async
      }))
  })

  it("treats a payload type of 0 in target.changed as unchanged", () => {
    expect(decode("target.changed", { name: "x", payloadType: 0 }))
      .toEqual(Option.some({ _tag: "TargetChanged", name: "x" }))
  })

  it("skips other event types and unreadable payloads", () => {
    expect(decode("target.key.added", { keyId: "k" })).toEqual(Option.none())
    expect(decode("target.added", { name: 42 })).toEqual(Option.none())
  })
})
