import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Layer, Redacted } from "effect"
import {
  createTarget,
  type CreateTargetRequest,
  deleteTarget,
  PayloadType,
  TargetType,
  updateTarget
} from "../src/target/index.js"
import {
  clockLayer,
  cryptoLayer,
  fakeEncrypt,
  fixedNow,
  idGeneratorLayer,
  makeFakeEventStore
} from "./support/fakes.js"
import { refusalOf } from "./support/given.js"

const setup = () => {
  const store = makeFakeEventStore()
  const layer = Layer.mergeAll(
    store.layer,
    clockLayer,
    idGeneratorLayer(["t1", "t2", "t3"]),
    cryptoLayer(["first-key", "second-key", "third-key"])
  )
  return { store, layer }
}

const create: CreateTargetRequest = {
  instanceId: "instance",
  creator: "admin",
  name: "hook",
  targetType: TargetType.Webhook,
  endpoint: "https://example.com/hook",
  timeout: Duration.seconds(10),
  interruptOnError: false,
  payloadType: PayloadType.Json
}

describe("Target use cases", () => {
  it.effect("creates a target with a generated id and an encrypted signing key", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      const result = yield* createTarget(create)

      expect(result.id).toBe("t1")
      expect(Redacted.value(result.signingKey)).toBe("first-key")
      expect(result.details).toEqual({
        sequence: 1,
        changeDate: fixedNow,
        resourceOwner: "instance",
        position: { position: 1, inTxOrder: 0 }
      })
      expect(store.events.map((e) => [e.aggregate, e.type, e.payload, e.creator])).toEqual([[
        { instanceId: "instance", type: "target", id: "t1", owner: "instance", version: 1 },
        "target.added",
        {
          name: "hook",
          targetType: 0,
          endpoint: "https://example.com/hook",
          timeout: 10_000_000_000,
          interruptOnError: false,
          signingKey: fakeEncrypt("first-key"),
          payloadType: 1
        },
        "admin"
      ]])
    }).pipe(Effect.provide(layer))
  })

  it.effect("rejects invalid input before it draws an id or reads the store", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      const refused = yield* Effect.either(createTarget({ ...create, endpoint: "nope" }))
      expect(refusalOf(refused).id).toBe("COMMAND-1r2k6qo6wg")
      expect(store.appends).toEqual([])

      const created = yield* createTarget(create)
      expect(created.id).toBe("t1")
    }).pipe(Effect.provide(layer))
  })

  it.effect("refuses a second target with the same name in the instance", () => {
    const { layer } = setup()
    return Effect.gen(function*() {
      yield* createTarget(create)
      const refused = yield* Effect.either(createTarget(create))
      expect(refusalOf(refused)).toEqual({
        kind: "AlreadyExists",
        id: "TARGET-uN1qNm",
        message: "Errors.Target.AlreadyExists"
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("frees the old name on a rename", () => {
    const { layer } = setup()
    return Effect.gen(function*() {
      yield* createTarget(create)
      yield* updateTarget({ instanceId: "instance", creator: "admin", id: "t1", name: "renamed" })
      const again = yield* createTarget(create)
      expect(again.id).toBe("t2")
    }).pipe(Effect.provide(layer))
  })

  it.effect("rotates the signing key and returns the new one", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      yield* createTarget(create)
      const result = yield* updateTarget({
        instanceId: "instance",
        creator: "admin",
        id: "t1",
        expirationSigningKey: true
      })
      expect(result.signingKey && Redacted.value(result.signingKey)).toBe("second-key")
      expect(result.details.sequence).toBe(2)
      expect(store.events.at(-1)?.payload).toEqual({ signingKey: fakeEncrypt("second-key") })
    }).pipe(Effect.provide(layer))
  })

  it.effect("writes nothing for an unchanged target and returns its details", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      yield* createTarget(create)
      const result = yield* updateTarget({
        instanceId: "instance",
        creator: "admin",
        id: "t1",
        name: "hook"
      })
      expect(result.signingKey).toBeUndefined()
      expect(result.details.sequence).toBe(1)
      expect(store.appends).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("does not update a target that does not exist", () => {
    const { layer } = setup()
    return Effect.gen(function*() {
      const refused = yield* Effect.either(
        updateTarget({ instanceId: "instance", creator: "admin", id: "nope", name: "x" })
      )
      expect(refusalOf(refused).kind).toBe("NotFound")
    }).pipe(Effect.provide(layer))
  })

  it.effect("deletes a target, then deletes it again without writing", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      yield* createTarget(create)
      const first = yield* deleteTarget({ instanceId: "instance", creator: "admin", id: "t1" })
      const second = yield* deleteTarget({ instanceId: "instance", creator: "admin", id: "t1" })
      expect(first.sequence).toBe(2)
      expect(second.sequence).toBe(2)
      expect(store.events.map((e) => e.type)).toEqual(["target.added", "target.removed"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("deletes an unknown target without writing", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      const details = yield* deleteTarget({ instanceId: "instance", creator: "admin", id: "x" })
      expect(details.sequence).toBe(0)
      expect(store.appends).toEqual([])
      const refused = yield* Effect.either(
        deleteTarget({ instanceId: "instance", creator: "admin", id: "" })
      )
      expect(Either.isLeft(refused)).toBe(true)
    }).pipe(Effect.provide(layer))
  })
})
