import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Option } from "effect"
import type { StoredEvent } from "../src/kernel/index.js"
import {
  activeKeyIds,
  decideActivate,
  decideCreate,
  decideDelete,
  decodeWebKeyEvent,
  encodeWebKeyEvent,
  exists,
  publicKeys,
  type WebKeyChange,
  type WebKeyConfig,
  type WebKeySet,
  webKeySetModel
} from "../src/webkey/index.js"
import { fakeEncrypt } from "./support/fakes.js"

type Command =
  | { readonly _tag: "Create"; readonly config: WebKeyConfig }
  | { readonly _tag: "Activate"; readonly key: number }
  | { readonly _tag: "Delete"; readonly key: number }

const config: FastCheck.Arbitrary<WebKeyConfig> = FastCheck.oneof(
  FastCheck.record({
    _tag: FastCheck.constant("RSA" as const),
    bits: FastCheck.constantFrom(2048 as const, 3072 as const, 4096 as const),
    hasher: FastCheck.constantFrom("SHA256" as const, "SHA384" as const, "SHA512" as const)
  }),
  FastCheck.record({
    _tag: FastCheck.constant("ECDSA" as const),
    curve: FastCheck.constantFrom("P256" as const, "P384" as const, "P512" as const)
  }),
  FastCheck.constant({ _tag: "ED25519" as const })
)

// key indexes reach past the keys created so far, so unknown ids are tried too
const command: FastCheck.Arbitrary<Command> = FastCheck.oneof(
  FastCheck.record({ _tag: FastCheck.constant("Create" as const), config }),
  FastCheck.record({ _tag: FastCheck.constant("Activate" as const), key: FastCheck.nat(12) }),
  FastCheck.record({ _tag: FastCheck.constant("Delete" as const), key: FastCheck.nat(12) })
)

const decide = (set: WebKeySet, cmd: Command, created: number) => {
  switch (cmd._tag) {
    case "Create": {
      const id = `k${created}`
      return decideCreate(set, {
        id,
        config: cmd.config,
        privateKey: fakeEncrypt(id),
        publicKey: { kid: id, kty: "OKP", use: "sig" }
      })
    }
    case "Activate":
      return decideActivate(set, `k${cmd.key}`)
    case "Delete":
      return decideDelete(set, `k${cmd.key}`)
  }
}

/** Runs the commands through the deciders, the accepted changes through the stored form. */
const run = (commands: ReadonlyArray<Command>, check: (set: WebKeySet) => void) => {
  let set = webKeySetModel.initial
  let created = 0
  let position = 0
  for (const cmd of commands) {
    const decision = decide(set, cmd, created)
    if (cmd._tag === "Create") created += 1
    if (Either.isLeft(decision)) continue
    for (const change of decision.right) {
      const { payload, type } = encodeWebKeyEvent(change.event)
      const stored: StoredEvent = {
        aggregate: { instanceId: "i", type: "web_key", id: change.keyId, owner: "i", version: 1 },
        type,
        payload: JSON.parse(JSON.stringify(payload)),
        creator: "u",
        createdAt: new Date(0),
        sequence: 1,
        position: { position: ++position, inTxOrder: 0 }
      }
      const event = Option.getOrThrow(decodeWebKeyEvent(stored))
      set = webKeySetModel.evolve(set, { keyId: change.keyId, event } satisfies WebKeyChange)
    }
    check(set)
  }
}

describe("web key invariants", () => {
  it.prop(
    "at most one key is active, and the published set holds it",
    [FastCheck.array(command, { maxLength: 40 })],
    ([commands]) => {
      run(commands, (set) => {
        const active = activeKeyIds(set)
        expect(active.length).toBeLessThanOrEqual(1)
        const published = publicKeys(set).map((jwk) => jwk["kid"])
        for (const id of active) expect(published).toContain(id)
      })
    }
  )

  it.prop(
    "once a key exists one key is always active, and removed keys are never published",
    [FastCheck.array(command, { maxLength: 40 })],
    ([commands]) => {
      run(commands, (set) => {
        const existing = [...set].filter(([, key]) => exists(key)).map(([id]) => id)
        if (set.size > 0) expect(activeKeyIds(set).length).toBe(1)
        expect(publicKeys(set).map((jwk) => jwk["kid"]).sort()).toEqual([...existing].sort())
      })
    }
  )
})
