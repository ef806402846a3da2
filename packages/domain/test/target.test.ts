import { describe, expect, it } from "@effect/vitest"
import { Duration } from "effect"
import {
  addTarget,
  type AddTargetInput,
  changeTarget,
  PayloadType,
  removeTarget,
  type TargetAdded,
  targetAggregate,
  type TargetEvent,
  TargetType,
  targetWriteModel
} from "../src/target/index.js"
import { fakeEncrypt } from "./support/fakes.js"
import { eventsOf, given, refusalOf } from "./support/given.js"

const key1 = fakeEncrypt("key-1")
const key2 = fakeEncrypt("key-2")

const add: AddTargetInput = {
  instanceId: "instance",
  name: "ip_allow_list",
  targetType: TargetType.Webhook,
  endpoint: "https://example.com/hooks/ip_check",
  timeout: Duration.seconds(10),
  interruptOnError: true,
  payloadType: PayloadType.Json,
  signingKey: key1
}

const added: TargetAdded = {
  _tag: "TargetAdded",
  name: "ip_allow_list",
  targetType: TargetType.Webhook,
  endpoint: "https://example.com/hooks/ip_check",
  timeout: 10_000_000_000,
  interruptOnError: true,
  signingKey: key1,
  payloadType: PayloadType.Json
}

const target = (...events: ReadonlyArray<TargetEvent>) => given(targetWriteModel, events)
const change = { instanceId: "instance", id: "t1" }

describe("Target › when new", () => {
  it("adds a target with its timeout in nanoseconds", () => {
    expect(eventsOf(target().when(addTarget, add))).toEqual([added])
  })

  it("adds an async target that never interrupts", () => {
    const events = eventsOf(
      target().when(addTarget, { ...add, targetType: TargetType.Async, interruptOnError: true })
    )
    expect(events).toEqual([{ ...added, targetType: TargetType.Async, interruptOnError: false }])
  })

  it("accepts the bounds [name of 1000 characters, timeout of 270 s, http endpoint]", () => {
    const input = {
      ...add,
      name: "n".repeat(1000),
      timeout: Duration.seconds(270),
      endpoint: "http://127.0.0.1:8090/webhook"
    }
    expect(eventsOf(target().when(addTarget, input))).toEqual([{
      ...added,
      name: "n".repeat(1000),
      timeout: 270_000_000_000,
      endpoint: "http://127.0.0.1:8090/webhook"
    }])
  })

  it.each([
    [{ instanceId: "" }, "COMMAND-brml926e2d", "Errors.IDMissing", undefined],
    [{ name: "" }, "COMMAND-ddqbm9us5p", "Errors.Target.Invalid", "name is empty"],
    [
      { name: "n".repeat(1001) },
      "TARGET-nAm3Lx",
      "Errors.Target.Invalid",
      "name is longer than 1000 characters"
    ],
    [
      { timeout: Duration.zero },
      "COMMAND-39f35d8uri",
      "Errors.Target.NoTimeout",
      "timeout must be > 0"
    ],
    [
      { timeout: Duration.millis(270_001) },
      "TARGET-t1m30t",
      "Errors.Target.Invalid",
      "timeout must be at most 4m 30s"
    ],
    [
      { timeout: Duration.infinity },
      "TARGET-t1m30t",
      "Errors.Target.Invalid",
      "timeout must be at most 4m 30s"
    ],
    [{ endpoint: "" }, "COMMAND-1r2k6qo6wg", "Errors.Target.InvalidURL", undefined],
    [{ endpoint: "/hooks/relative" }, "COMMAND-1r2k6qo6wg", "Errors.Target.InvalidURL", undefined],
    [
      { endpoint: "ftp://example.com/x" },
      "COMMAND-1r2k6qo6wg",
      "Errors.Target.InvalidURL",
      undefined
    ],
    [{ endpoint: "://" }, "COMMAND-1r2k6qo6wg", "Errors.Target.InvalidURL", undefined],
    [
      { endpoint: `https://example.com/${"a".repeat(2030)}` },
      "COMMAND-1r2k6qo6wg",
      "Errors.Target.InvalidURL",
      undefined
    ],
    [{ targetType: 3 }, "TARGET-tYp3x9", "Errors.Target.Invalid", "target type is not known"],
    [{ payloadType: 4 }, "TARGET-pAy10d", "Errors.Target.Invalid", "payload type is not known"]
  ])("rejects invalid input %o", (patch, id, message, detail) => {
    const refusal = refusalOf(target().when(addTarget, { ...add, ...patch } as AddTargetInput))
    expect(refusal).toMatchObject({ kind: "InvalidArgument", id, message })
    if (detail !== undefined) expect(refusal.detail).toBe(detail)
  })

  it("checks the name before the timeout and the timeout before the endpoint", () => {
    const input = { ...add, name: "", timeout: Duration.zero, endpoint: "" }
    expect(refusalOf(target().when(addTarget, input)).id).toBe("COMMAND-ddqbm9us5p")
    const noName = { ...input, name: "n" }
    expect(refusalOf(target().when(addTarget, noName)).id).toBe("COMMAND-39f35d8uri")
  })

  it("does not change a target that does not exist", () => {
    expect(refusalOf(target().when(changeTarget, { ...change, name: "x" }))).toEqual({
      kind: "NotFound",
      id: "COMMAND-xj14f2cccn",
      message: "Errors.Target.NotFound"
    })
  })

  it("removes nothing when the target does not exist", () => {
    expect(eventsOf(target().when(removeTarget, { instanceId: "instance", id: "t1" }))).toEqual([])
  })
})

describe("Target › when added", () => {
  it("refuses to add it again", () => {
    expect(refusalOf(target(added).when(addTarget, add))).toEqual({
      kind: "AlreadyExists",
      id: "INSTANCE-9axkz0jvzm",
      message: "Errors.Target.AlreadyExists"
    })
  })

  it("changes only the fields that differ", () => {
    const events = eventsOf(target(added).when(changeTarget, {
      ...change,
      name: "renamed",
      endpoint: add.endpoint,
      timeout: Duration.seconds(5),
      interruptOnError: true
    }))
    expect(events).toEqual([{ _tag: "TargetChanged", name: "renamed", timeout: 5_000_000_000 }])
  })

  it("changes nothing when every field is as it is", () => {
    const events = eventsOf(target(added).when(changeTarget, {
      ...change,
      name: add.name,
      targetType: add.targetType,
      endpoint: add.endpoint,
      timeout: add.timeout,
      interruptOnError: add.interruptOnError,
      payloadType: add.payloadType
    }))
    expect(events).toEqual([])
  })

  it("changes a target twice [the second change writes nothing]", () => {
    const input = { ...change, endpoint: "https://example.com/v2" }
    const first = eventsOf(target(added).when(changeTarget, input))
    expect(first).toEqual([{ _tag: "TargetChanged", endpoint: "https://example.com/v2" }])
    expect(eventsOf(target(added, ...first).when(changeTarget, input))).toEqual([])
  })

  it("turns interrupt on error off when the target becomes async", () => {
    const events = eventsOf(
      target(added).when(changeTarget, { ...change, targetType: TargetType.Async })
    )
    expect(events).toEqual([
      { _tag: "TargetChanged", targetType: TargetType.Async, interruptOnError: false }
    ])
  })

  it("keeps interrupt on error off for an async target", () => {
    const async = { ...added, targetType: TargetType.Async, interruptOnError: false }
    expect(eventsOf(target(async).when(changeTarget, { ...change, interruptOnError: true })))
      .toEqual([])
  })

  it("rotates the signing key even when nothing else changes", () => {
    expect(eventsOf(target(added).when(changeTarget, { ...change, signingKey: key2 })))
      .toEqual([{ _tag: "TargetChanged", signingKey: key2 }])
  })

  it("leaves the payload type when the change names it unspecified", () => {
    const input = { ...change, payloadType: PayloadType.Unspecified }
    expect(eventsOf(target(added).when(changeTarget, input))).toEqual([])
    expect(eventsOf(target(added).when(changeTarget, { ...change, payloadType: PayloadType.Jwe })))
      .toEqual([{ _tag: "TargetChanged", payloadType: PayloadType.Jwe }])
  })

  it.each([
    [{ instanceId: "" }, "COMMAND-zqibgg0wwh", "Errors.IDMissing"],
    [{ id: "" }, "COMMAND-1l6ympeagp", "Errors.IDMissing"],
    [{ name: "" }, "COMMAND-d1wx4lm0zr", "Errors.Target.Invalid"],
    [{ timeout: Duration.zero }, "COMMAND-08b39vdi57", "Errors.Target.NoTimeout"],
    [{ timeout: Duration.minutes(5) }, "TARGET-t1m30t", "Errors.Target.Invalid"],
    [{ endpoint: "example.com" }, "COMMAND-jsbaera7b6", "Errors.Target.InvalidURL"],
    [{ targetType: -1 }, "TARGET-tYp3x9", "Errors.Target.Invalid"]
  ])("rejects an invalid change %o", (patch, id, message) => {
    const input = { ...change, ...patch } as Parameters<typeof changeTarget>[1]
    expect(refusalOf(target(added).when(changeTarget, input)))
      .toMatchObject({ kind: "InvalidArgument", id, message })
  })

  it("removes the target", () => {
    expect(eventsOf(target(added).when(removeTarget, change))).toEqual([{ _tag: "TargetRemoved" }])
  })

  it("refuses a removal without an id", () => {
    expect(refusalOf(target(added).when(removeTarget, { instanceId: "instance", id: "" })))
      .toEqual({ kind: "InvalidArgument", id: "COMMAND-obqos2l3no", message: "Errors.IDMissing" })
  })
})

describe("Target › when removed", () => {
  const removed = [added, { _tag: "TargetRemoved" }] as const

  it("removes a target twice [the second removal writes nothing]", () => {
    expect(eventsOf(target(...removed).when(removeTarget, change))).toEqual([])
  })

  it("does not change a removed target", () => {
    expect(refusalOf(target(...removed).when(changeTarget, { ...change, name: "x" })).kind)
      .toBe("NotFound")
  })

  it("adds a target again under the same id", () => {
    expect(eventsOf(target(...removed).when(addTarget, add))).toEqual([added])
  })
})

describe("Target › unique name", () => {
  const constraints = (events: ReadonlyArray<TargetEvent>, event: TargetEvent) =>
    targetAggregate.constraints(
      events.reduce(targetWriteModel.evolve, targetWriteModel.initial),
      event
    )
  const addName = (field: string) => ({
    action: "add",
    type: "target",
    field,
    errorId: "TARGET-uN1qNm",
    message: "Errors.Target.AlreadyExists"
  })

  it("takes the name when the target is added", () => {
    expect(constraints([], added)).toEqual([addName("ip_allow_list")])
  })

  it("moves the name on a rename", () => {
    expect(constraints([added], { _tag: "TargetChanged", name: "other" })).toEqual([
      { action: "remove", type: "target", field: "ip_allow_list" },
      addName("other")
    ])
  })

  it("keeps the name on other changes", () => {
    expect(constraints([added], { _tag: "TargetChanged", timeout: 1 })).toEqual([])
  })

  it("frees the name when the target is removed", () => {
    expect(constraints([added], { _tag: "TargetRemoved" })).toEqual([
      { action: "remove", type: "target", field: "ip_allow_list" }
    ])
  })
})
