import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import {
  decodeExecutionEvent,
  encodeExecutionEvent,
  type ExecutionEvent,
  executionsReadModel,
  includeEntry,
  targetEntry
} from "../src/execution/index.js"
import { storedEvent } from "./support/events.js"

const execution = (id: string) => ({ type: "execution", id })
const decode = (type: string, payload: Record<string, unknown> | null) =>
  decodeExecutionEvent(storedEvent(execution("request"), type, payload))

describe("Execution events", () => {
  it("writes execution.v2.set with typed entries in order", () => {
    const event: ExecutionEvent = {
      _tag: "ExecutionSet",
      entries: [includeEntry("request/b"), targetEntry("t1")]
    }
    expect(encodeExecutionEvent(event)).toEqual({
      type: "execution.v2.set",
      payload: { targets: [{ type: 1, target: "request/b" }, { type: 2, target: "t1" }] }
    })
    expect(decode("execution.v2.set", encodeExecutionEvent(event).payload))
      .toEqual(Option.some(event))
  })

  it("writes an empty list as an empty array", () => {
    expect(encodeExecutionEvent({ _tag: "ExecutionSet", entries: [] }).payload)
      .toEqual({ targets: [] })
  })

  it("reads Go's null list and skips unspecified entries", () => {
    expect(decode("execution.v2.set", { targets: null }))
      .toEqual(Option.some({ _tag: "ExecutionSet", entries: [] }))
    const targets = [{ type: 0, target: "x" }, { type: 2, target: "t" }]
    expect(decode("execution.v2.set", { targets }))
      .toEqual(Option.some({ _tag: "ExecutionSet", entries: [targetEntry("t")] }))
  })

  it("reads the legacy execution.set and execution.removed", () => {
    expect(decode("execution.set", { targets: ["t1"], includes: null })).toEqual(Option.some({
      _tag: "ExecutionLegacySet",
      targets: ["t1"],
      includes: []
    }))
    expect(decode("execution.removed", null)).toEqual(Option.some({ _tag: "ExecutionRemoved" }))
  })

  it("skips other event types and unreadable payloads", () => {
    expect(decode("execution.other", {})).toEqual(Option.none())
    expect(decode("execution.v2.set", { targets: "t1" })).toEqual(Option.none())
  })
})

describe("Executions read model", () => {
  const set = (id: string, targets: ReadonlyArray<{ type: number; target: string }>, seq = 1) =>
    storedEvent(execution(id), "execution.v2.set", { targets }, seq)
  const targetRemoved = (id: string) =>
    storedEvent({ type: "target", id }, "target.removed", null, 2)

  it("holds each execution's latest list in order", () => {
    const model = executionsReadModel([
      set("request/a", [{ type: 2, target: "t1" }]),
      set("request/b", [{ type: 1, target: "request/a" }, { type: 2, target: "t2" }]),
      set("request/a", [{ type: 2, target: "t2" }, { type: 2, target: "t1" }], 2)
    ])
    expect([...model]).toEqual([
      ["request/a", [targetEntry("t2"), targetEntry("t1")]],
      ["request/b", [includeEntry("request/a"), targetEntry("t2")]]
    ])
  })

  it("drops a removed target from every execution, and executions left empty", () => {
    const model = executionsReadModel([
      set("request/a", [{ type: 2, target: "t1" }]),
      set("request/b", [{ type: 2, target: "t1" }, { type: 2, target: "t2" }]),
      targetRemoved("t1")
    ])
    expect([...model]).toEqual([["request/b", [targetEntry("t2")]]])
  })

  it("drops executions set to an empty list or removed the legacy way", () => {
    const model = executionsReadModel([
      set("request/a", [{ type: 2, target: "t1" }]),
      set("request/a", [], 2),
      storedEvent(execution("request/b"), "execution.set", { targets: ["t1"], includes: ["x"] }),
      storedEvent(execution("request/c"), "execution.set", { targets: ["t1"] }),
      storedEvent(execution("request/c"), "execution.removed", null, 2)
    ])
    expect([...model]).toEqual([["request/b", [targetEntry("t1"), includeEntry("x")]]])
  })
})
