import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import { include, setExecution, target } from "../src/execution/index.js"
import type { PendingEvent } from "../src/kernel/index.js"
import { createTarget, PayloadType, TargetType } from "../src/target/index.js"
import { svc, testCatalog } from "./support/executions.js"
import {
  clockLayer,
  cryptoLayer,
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
    idGeneratorLayer(["t1", "t2"]),
    cryptoLayer([])
  )
  return { store, layer }
}

const addTarget = (name: string) =>
  createTarget({
    instanceId: "instance",
    creator: "admin",
    name,
    targetType: TargetType.Call,
    endpoint: "https://example.com/call",
    timeout: Duration.seconds(1),
    interruptOnError: true,
    payloadType: PayloadType.Json
  })

const set = (service: string, entries: Parameters<typeof setExecution>[0]["entries"]) =>
  setExecution(
    { instanceId: "instance", creator: "admin", condition: svc(service), entries },
    testCatalog
  )

/** `execution.v2.set` written behind the use case's back, as another process would. */
const writtenElsewhere = (id: string, targets: ReadonlyArray<unknown>): PendingEvent => ({
  aggregate: { instanceId: "instance", type: "execution", id, owner: "instance", version: 1 },
  type: "execution.v2.set",
  payload: { targets },
  creator: "other",
  createdAt: fixedNow,
  constraints: []
})

describe("SetExecution use case", () => {
  it.effect("writes the list under the id the condition owns", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      yield* addTarget("one")
      const details = yield* set("a", [target("t1")])

      expect(details.sequence).toBe(1)
      expect(details.resourceOwner).toBe("instance")
      const last = store.events.at(-1)!
      expect([last.aggregate.type, last.aggregate.id, last.type, last.payload]).toEqual([
        "execution",
        "request/a",
        "execution.v2.set",
        { targets: [{ type: 2, target: "t1" }] }
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("expects every execution it read and every target it names to be unchanged", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      yield* addTarget("one")
      yield* addTarget("two")
      yield* set("b", [target("t2")])
      yield* set("c", [target("t2")])
      yield* set("a", [target("t1"), include(svc("b"))])

      const key = (type: string, id: string) => ({ instanceId: "instance", type, id })
      expect(store.appends.at(-1)!.expectations).toEqual([
        { aggregate: key("execution", "request/a"), sequence: 0 },
        { aggregate: key("execution", "request/b"), sequence: 1 },
        { aggregate: key("execution", "request/c"), sequence: 1 },
        { aggregate: key("target", "t1"), sequence: 1 }
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("decides again when another writer closes a cycle first, and refuses", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      yield* addTarget("one")
      yield* set("a", [target("t1")])
      yield* set("b", [target("t1")])
      store.beforeNextAppend(() => {
        store.seed([writtenElsewhere("request/b", [{ type: 1, target: "request/a" }])])
      })

      const refused = yield* Effect.either(set("a", [target("t1"), include(svc("b"))]))

      expect(refusalOf(refused)).toEqual({
        kind: "PreconditionFailed",
        id: "COMMAND-819opvhgjv",
        message: "Errors.Execution.CircularInclude",
        detail: "request/a -> request/b -> request/a"
      })
      expect(store.events.filter((e) => e.aggregate.id === "request/a")).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("decides again when another writer adds an execution that deepens a chain", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      yield* addTarget("one")
      yield* set("c", [target("t1")])
      yield* set("b", [target("t1")])
      yield* set("a", [include(svc("b"))])
      // A new execution d includes a while b is about to include c: d -> a -> b -> c.
      store.beforeNextAppend(() => {
        store.seed([writtenElsewhere("request/d", [{ type: 1, target: "request/a" }])])
      })

      const refused = yield* Effect.either(set("b", [target("t1"), include(svc("c"))]))

      expect(refusalOf(refused)).toMatchObject({
        kind: "PreconditionFailed",
        message: "Errors.Execution.MaxLevelsInclude"
      })
      expect(store.events.filter((e) => e.aggregate.id === "request/b")).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("rejects a bad condition without reading the store", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      const refused = yield* Effect.either(set("zzz", []))
      expect(refusalOf(refused).message).toBe("Errors.Execution.ConditionInvalid")
      expect(store.appends).toEqual([])
    }).pipe(Effect.provide(layer))
  })

  it.effect("removes an execution with an empty list, then does nothing", () => {
    const { store, layer } = setup()
    return Effect.gen(function*() {
      yield* addTarget("one")
      yield* set("a", [target("t1")])
      const removed = yield* set("a", [])
      const again = yield* set("a", [])
      expect(removed.sequence).toBe(2)
      expect(again.sequence).toBe(2)
      expect(store.events.at(-1)!.payload).toEqual({ targets: [] })
    }).pipe(Effect.provide(layer))
  })
})
