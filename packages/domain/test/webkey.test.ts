import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Option, Redacted } from "effect"
import { EventStore, KeyGenerator } from "../src/ports/index.js"
import {
  activateWebKey,
  activeKeyIds,
  constraintsOf,
  createWebKey,
  decideActivate,
  decideCreate,
  decideDelete,
  decideInitial,
  decodeConfig,
  decodeWebKeyEvent,
  deleteWebKey,
  encodeWebKeyEvent,
  generateInitialWebKeys,
  type NewWebKey,
  publicKeys,
  validateConfig,
  type WebKeyChange,
  type WebKeyConfig,
  webKeySetModel
} from "../src/webkey/index.js"
import { storedEvent } from "./support/events.js"
import {
  clockLayer,
  cryptoLayer,
  fakeEncrypt,
  fixedNow,
  idGeneratorLayer,
  makeFakeEventStore
} from "./support/fakes.js"
import { eventsOf, given, refusalOf } from "./support/given.js"

const rsa: WebKeyConfig = { _tag: "RSA", bits: 2048, hasher: "SHA256" }

const newKey = (id: string, config: WebKeyConfig = rsa): NewWebKey => ({
  id,
  config,
  privateKey: fakeEncrypt(`private-${id}`),
  publicKey: { kid: id, kty: "RSA", alg: "RS256", use: "sig" }
})

const added = (id: string, config: WebKeyConfig = rsa): WebKeyChange => {
  const key = newKey(id, config)
  return {
    keyId: id,
    event: {
      _tag: "WebKeyAdded",
      privateKey: key.privateKey,
      publicKey: key.publicKey,
      config
    }
  }
}
const activated = (keyId: string): WebKeyChange => ({ keyId, event: { _tag: "WebKeyActivated" } })
const deactivated = (keyId: string): WebKeyChange => ({
  keyId,
  event: { _tag: "WebKeyDeactivated" }
})
const removed = (keyId: string): WebKeyChange => ({ keyId, event: { _tag: "WebKeyRemoved" } })

const keys = (...changes: ReadonlyArray<WebKeyChange>) => given(webKeySetModel, changes)

describe("CreateWebKey", () => {
  it("adds and activates the first key of an instance", () => {
    const decision = keys().when(decideCreate, newKey("k1"))
    expect(eventsOf(decision)).toEqual([added("k1"), activated("k1")])
  })

  it("adds a key without activating it when another key is active", () => {
    const decision = keys(added("k1"), activated("k1")).when(decideCreate, newKey("k2"))
    expect(eventsOf(decision)).toEqual([added("k2")])
  })

  it("activates the new key when the only keys are inactive", () => {
    const decision = keys(added("k1")).when(decideCreate, newKey("k2"))
    expect(eventsOf(decision)).toEqual([added("k2"), activated("k2")])
  })

  it("refuses a key id that exists", () => {
    expect(refusalOf(keys(added("k1"), activated("k1")).when(decideCreate, newKey("k1")))).toEqual({
      kind: "AlreadyExists",
      id: "WEBKEY-d0pl1",
      message: "Errors.WebKey.Duplicate"
    })
  })

  it.each([
    [{ _tag: "RSA", bits: 1024, hasher: "SHA256" }, "CRYPTO-eaz3T"],
    [{ _tag: "RSA", bits: 2048, hasher: "MD5" }, "CRYPTO-ODie7"],
    [{ _tag: "ECDSA", curve: "P192" }, "CRYPTO-Ii2ai"]
  ])("refuses the config %j with %s", (config, id) => {
    expect(refusalOf(keys().when(decideCreate, newKey("k1", config as WebKeyConfig)))).toEqual({
      kind: "InvalidArgument",
      id,
      message: "Errors.WebKey.Config"
    })
  })

  it("accepts every ZITADEL config", () => {
    const configs: ReadonlyArray<WebKeyConfig> = [
      ...[2048, 3072, 4096].flatMap((bits) =>
        ["SHA256", "SHA384", "SHA512"].map((hasher) =>
          ({ _tag: "RSA", bits, hasher }) as WebKeyConfig
        )
      ),
      { _tag: "ECDSA", curve: "P256" },
      { _tag: "ECDSA", curve: "P384" },
      { _tag: "ECDSA", curve: "P512" },
      { _tag: "ED25519" }
    ]
    for (const config of configs) expect(Either.isRight(validateConfig(config))).toBe(true)
  })
})

describe("GenerateInitialWebKeys", () => {
  it("adds two keys and activates the first", () => {
    const decision = decideInitial(webKeySetModel.initial, newKey("k1"), newKey("k2"))
    expect(eventsOf(decision)).toEqual([added("k1"), activated("k1"), added("k2")])
  })

  it("writes nothing when the instance has a key", () => {
    const state = [added("k1"), activated("k1")]
      .reduce(webKeySetModel.evolve, webKeySetModel.initial)
    expect(eventsOf(decideInitial(state, newKey("k2"), newKey("k3")))).toEqual([])
  })
})

describe("ActivateWebKey", () => {
  it("activates the key and deactivates the previous one, in that order", () => {
    const decision = keys(added("k1"), activated("k1"), added("k2")).when(decideActivate, "k2")
    expect(eventsOf(decision)).toEqual([activated("k2"), deactivated("k1")])
  })

  it("activates a key when none is active", () => {
    expect(eventsOf(keys(added("k1")).when(decideActivate, "k1"))).toEqual([activated("k1")])
  })

  it("writes nothing for the active key", () => {
    expect(eventsOf(keys(added("k1"), activated("k1")).when(decideActivate, "k1"))).toEqual([])
  })

  it("reactivates a key that was deactivated", () => {
    const history = [added("k1"), activated("k1"), added("k2"), activated("k2"), deactivated("k1")]
    const decision = keys(...history).when(decideActivate, "k1")
    expect(eventsOf(decision)).toEqual([activated("k1"), deactivated("k2")])
  })

  it.each([
    ["an unknown key", [added("k1"), activated("k1")]],
    ["a removed key", [added("k1"), activated("k1"), added("k2"), removed("k2")]]
  ])("refuses %s with NotFound", (_, history) => {
    expect(refusalOf(keys(...history).when(decideActivate, "k2"))).toEqual({
      kind: "NotFound",
      id: "COMMAND-teiG3",
      message: "Errors.WebKey.NotFound"
    })
  })
})

describe("DeleteWebKey", () => {
  it("removes an inactive key", () => {
    const decision = keys(added("k1"), activated("k1"), added("k2")).when(decideDelete, "k2")
    expect(eventsOf(decision)).toEqual([removed("k2")])
  })

  it("refuses the active key", () => {
    expect(refusalOf(keys(added("k1"), activated("k1")).when(decideDelete, "k1"))).toEqual({
      kind: "PreconditionFailed",
      id: "COMMAND-Chai1",
      message: "Errors.WebKey.ActiveDelete"
    })
  })

  it("writes nothing for an unknown or removed key", () => {
    expect(eventsOf(keys(added("k1"), activated("k1")).when(decideDelete, "k9"))).toEqual([])
    const history = [added("k1"), activated("k1"), added("k2"), removed("k2")]
    expect(eventsOf(keys(...history).when(decideDelete, "k2"))).toEqual([])
  })
})

describe("web key set fold", () => {
  it("publishes every key that is not removed and forgets removed key material", () => {
    const state = [added("k1"), activated("k1"), added("k2"), added("k3"), removed("k3")]
      .reduce(webKeySetModel.evolve, webKeySetModel.initial)
    expect(publicKeys(state).map((jwk) => jwk["kid"])).toEqual(["k1", "k2"])
    expect(activeKeyIds(state)).toEqual(["k1"])
    expect(state.get("k3")).toEqual({
      status: "Removed",
      config: rsa,
      publicKey: undefined,
      privateKey: undefined
    })
  })
})

describe("web key events", () => {
  const privateKey = fakeEncrypt("private")
  const publicKey = { kid: "k1", kty: "EC", crv: "P-256", x: "x", y: "y", alg: "ES256", use: "sig" }

  it("writes ZITADEL's payloads", () => {
    expect(encodeWebKeyEvent({
      _tag: "WebKeyAdded",
      privateKey,
      publicKey,
      config: { _tag: "RSA", bits: 3072, hasher: "SHA384" }
    })).toEqual({
      type: "web_key.added",
      payload: {
        privateKey,
        publicKey,
        config: { Bits: "3072", Hasher: "SHA384" },
        configType: "RSA"
      }
    })
    const addedWith = (config: WebKeyConfig) =>
      encodeWebKeyEvent({ _tag: "WebKeyAdded", privateKey, publicKey, config }).payload
    expect(addedWith({ _tag: "ECDSA", curve: "P512" }))
      .toMatchObject({ config: { Curve: "P512" }, configType: "ECDSA" })
    expect(addedWith({ _tag: "ED25519" })).toMatchObject({ config: {}, configType: "ED25519" })
    expect(encodeWebKeyEvent({ _tag: "WebKeyActivated" }))
      .toEqual({ type: "web_key.activated", payload: null })
    expect(encodeWebKeyEvent({ _tag: "WebKeyDeactivated" }))
      .toEqual({ type: "web_key.deactivated", payload: null })
    expect(encodeWebKeyEvent({ _tag: "WebKeyRemoved" }))
      .toEqual({ type: "web_key.removed", payload: null })
  })

  it("reads what it writes and what Go's decoder accepts", () => {
    const event = storedEvent({ type: "web_key", id: "k1" }, "web_key.added", {
      privateKey,
      publicKey,
      config: { bits: "4096", hasher: "sha512" },
      configType: "RSA"
    })
    expect(decodeWebKeyEvent(event)).toEqual(Option.some({
      _tag: "WebKeyAdded",
      privateKey,
      publicKey,
      config: { _tag: "RSA", bits: 4096, hasher: "SHA512" }
    }))
    expect(decodeConfig({ Curve: "p384" }, 2)).toEqual({ _tag: "ECDSA", curve: "P384" })
    expect(decodeConfig({}, "ED25519")).toEqual({ _tag: "ED25519" })
    expect(decodeConfig({ Bits: "1024", Hasher: "SHA256" }, "RSA")).toBeUndefined()
    expect(decodeConfig({}, "")).toBeUndefined()
    const removedEvent = storedEvent({ type: "web_key", id: "k1" }, "web_key.removed", {}, 2)
    expect(decodeWebKeyEvent(removedEvent)).toEqual(Option.some({ _tag: "WebKeyRemoved" }))
    const foreign = storedEvent({ type: "web_key", id: "k1" }, "web_key.renamed", null)
    expect(decodeWebKeyEvent(foreign)).toEqual(Option.none())
  })
})

// -- use cases --------------------------------------------------------------------------------

const keyGeneratorLayer = (calls: Array<string>) =>
  Layer.succeed(KeyGenerator, {
    generate: (keyId, config) =>
      Effect.sync(() => {
        calls.push(`${keyId}:${config._tag}`)
        return {
          publicKey: { kid: keyId, kty: "OKP", alg: "EdDSA", use: "sig" },
          privateKey: Redacted.make(`private-${keyId}`)
        }
      })
  })

const setup = (ids: ReadonlyArray<string>) => {
  const store = makeFakeEventStore()
  const generated: Array<string> = []
  const layer = Layer.mergeAll(
    store.layer,
    clockLayer,
    idGeneratorLayer(ids),
    cryptoLayer([]),
    keyGeneratorLayer(generated)
  )
  return { store, generated, layer }
}

const caller = { instanceId: "instance", creator: "admin" }

const written = (store: ReturnType<typeof makeFakeEventStore>) =>
  store.events.map((e) => `${e.aggregate.id}:${e.type}`)

describe("web key use cases", () => {
  it.effect("creates the first key active, with the encrypted private JWK and constraints", () => {
    const { generated, layer, store } = setup(["k1"])
    return Effect.gen(function*() {
      const result = yield* createWebKey({ ...caller, config: { _tag: "ED25519" } })

      expect(result).toEqual({
        id: "k1",
        details: {
          sequence: 2,
          changeDate: fixedNow,
          resourceOwner: "instance",
          position: { position: 2, inTxOrder: 0 }
        }
      })
      expect(generated).toEqual(["k1:ED25519"])
      expect(written(store)).toEqual(["k1:web_key.added", "k1:web_key.activated"])
      expect(store.events[0]!.payload).toEqual({
        privateKey: fakeEncrypt("private-k1"),
        publicKey: { kid: "k1", kty: "OKP", alg: "EdDSA", use: "sig" },
        config: {},
        configType: "ED25519"
      })
      expect(store.events[0]!.aggregate).toEqual({
        instanceId: "instance",
        type: "web_key",
        id: "k1",
        owner: "instance",
        version: 1
      })
      expect(store.appends[0]!.events.map((e) => e.constraints)).toEqual([
        [{
          action: "add",
          type: "web_key",
          field: "k1",
          errorId: "WEBKEY-d0pl1",
          message: "Errors.WebKey.Duplicate"
        }],
        [{
          action: "add",
          type: "web_key_active",
          field: "active",
          errorId: "WEBKEY-4ct1v",
          message: "Errors.WebKey.Duplicate"
        }]
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("defaults to RSA 2048 / SHA256 and refuses a bad config before generating", () => {
    const { generated, layer, store } = setup(["k1", "k2"])
    return Effect.gen(function*() {
      const bad = yield* Effect.flip(
        createWebKey({ ...caller, config: { _tag: "ECDSA", curve: "P1" as "P256" } })
      )
      expect(bad).toMatchObject({ kind: "InvalidArgument", id: "CRYPTO-Ii2ai" })
      expect(generated).toEqual([])
      yield* createWebKey(caller)
      expect(generated).toEqual(["k1:RSA"])
      expect(store.events[0]!.payload).toMatchObject({
        config: { Bits: "2048", Hasher: "SHA256" },
        configType: "RSA"
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("activation writes on both keys in one append, with an expectation on each", () => {
    const { layer, store } = setup(["k1", "k2"])
    return Effect.gen(function*() {
      yield* createWebKey(caller)
      yield* createWebKey(caller)
      const details = yield* activateWebKey({ ...caller, id: "k2" })

      expect(written(store).slice(3)).toEqual(["k2:web_key.activated", "k1:web_key.deactivated"])
      expect(store.appends[2]!.expectations).toEqual([
        { aggregate: { instanceId: "instance", type: "web_key", id: "k1" }, sequence: 2 },
        { aggregate: { instanceId: "instance", type: "web_key", id: "k2" }, sequence: 1 }
      ])
      expect(details).toEqual({
        sequence: 2,
        changeDate: fixedNow,
        resourceOwner: "instance",
        position: { position: 5, inTxOrder: 0 }
      })
      // the active key again: nothing written, the key's own details
      const again = yield* activateWebKey({ ...caller, id: "k2" })
      expect(store.events.length).toBe(5)
      expect(again.sequence).toBe(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("deletes an inactive key, refuses the active one, ignores unknown ones", () => {
    const { layer, store } = setup(["k1", "k2"])
    return Effect.gen(function*() {
      yield* createWebKey(caller)
      yield* createWebKey(caller)
      const active = yield* Effect.flip(deleteWebKey({ ...caller, id: "k1" }))
      expect(active).toMatchObject({ kind: "PreconditionFailed", id: "COMMAND-Chai1" })
      const unknown = yield* deleteWebKey({ ...caller, id: "k9" })
      expect(unknown.sequence).toBe(0)
      const deleted = yield* deleteWebKey({ ...caller, id: "k2" })
      expect(deleted.sequence).toBe(2)
      expect(written(store).at(-1)).toBe("k2:web_key.removed")
      expect(store.appends.at(-1)!.events[0]!.constraints).toEqual([
        { action: "remove", type: "web_key", field: "k2" }
      ])
      const missing = yield* Effect.flip(activateWebKey({ ...caller, id: "k2" }))
      expect(missing).toMatchObject({ kind: "NotFound", id: "COMMAND-teiG3" })
    }).pipe(Effect.provide(layer))
  })

  it.effect("initial keys are written once", () => {
    const { generated, layer, store } = setup(["k1", "k2", "k3", "k4"])
    return Effect.gen(function*() {
      const first = yield* generateInitialWebKeys(caller)
      expect(first?.sequence).toBe(2)
      expect(written(store)).toEqual([
        "k1:web_key.added",
        "k1:web_key.activated",
        "k2:web_key.added"
      ])
      const second = yield* generateInitialWebKeys(caller)
      expect(second).toBeUndefined()
      expect(store.events.length).toBe(3)
      expect(generated).toEqual(["k1:RSA", "k2:RSA"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the loser of the first activation decides again and adds its key inactive", () => {
    const { layer, store } = setup(["k1"])
    return Effect.gen(function*() {
      // another process creates and activates k0 between our read and our append, taking the
      // first activation: its append goes through the port, constraints and all
      const eventStore = yield* EventStore
      const ref = { instanceId: "instance", type: "web_key", id: "k0", owner: "instance" }
      const other = (change: WebKeyChange, first: boolean) => ({
        aggregate: { ...ref, version: 1 },
        ...encodeWebKeyEvent(change.event),
        creator: "other",
        createdAt: fixedNow,
        constraints: constraintsOf("k0", change.event, first)
      })
      store.beforeNextAppend(() =>
        Effect.runSync(
          eventStore.append([other(added("k0"), false), other(activated("k0"), true)], [])
        )
      )
      yield* createWebKey(caller)
      expect(written(store)).toEqual([
        "k0:web_key.added",
        "k0:web_key.activated",
        "k1:web_key.added"
      ])
    }).pipe(Effect.provide(layer))
  })
})
