import { describe, expect, it } from "@effect/vitest"
import {
  decideSetExecution,
  type EntryInput,
  event,
  executionWriteModel,
  fn,
  include,
  includeEntry,
  initial,
  request,
  target,
  targetEntry
} from "../src/execution/index.js"
import { fold } from "../src/kernel/index.js"
import { setIn, svc, worldOf } from "./support/executions.js"
import { eventsOf, refusalOf } from "./support/given.js"

const set = (...entries: ReadonlyArray<ReturnType<typeof targetEntry>>) => [
  { _tag: "ExecutionSet", entries }
]

describe("Execution › when not set", () => {
  const world = worldOf(["t1", "t2"], { "request/b": [targetEntry("t1")] })

  it("sets targets and includes in order", () => {
    const entries = [target("t2"), include(svc("b")), target("t1")]
    expect(eventsOf(setIn(world, svc("a"), entries))).toEqual(
      set(targetEntry("t2"), includeEntry("request/b"), targetEntry("t1"))
    )
  })

  it("sets an execution twice [the second set writes nothing]", () => {
    const first = eventsOf(setIn(world, svc("a"), [target("t1")]))
    const after = worldOf(["t1", "t2"], {
      "request/b": [targetEntry("t1")],
      "request/a": [targetEntry("t1")]
    })
    expect(first).toEqual(set(targetEntry("t1")))
    expect(eventsOf(setIn(after, svc("a"), [target("t1")]))).toEqual([])
  })

  it("writes nothing for an empty list", () => {
    expect(eventsOf(setIn(world, svc("a"), []))).toEqual([])
  })

  it("sets the execution of a function, an event, an event group and all requests", () => {
    for (
      const condition of [
        fn("preuserinfo"),
        event({ event: "user.human.added" }),
        event({ group: "user" }),
        request({ all: true })
      ]
    ) {
      expect(eventsOf(setIn(world, condition, [target("t1")]))).toEqual(set(targetEntry("t1")))
    }
  })

  it("refuses a target that does not exist", () => {
    expect(refusalOf(setIn(world, svc("a"), [target("t1"), target("gone")]))).toEqual({
      kind: "NotFound",
      id: "COMMAND-17e8fq1ggk",
      message: "Errors.Target.NotFound",
      detail: "gone"
    })
  })

  it("refuses a target listed twice, as ZITADEL's count of distinct targets does", () => {
    expect(refusalOf(setIn(world, svc("a"), [target("t1"), target("t1")]))).toMatchObject({
      kind: "NotFound",
      message: "Errors.Target.NotFound"
    })
  })

  it("refuses an include that does not exist", () => {
    expect(refusalOf(setIn(world, svc("a"), [include(svc("c"))]))).toEqual({
      kind: "NotFound",
      id: "COMMAND-slgj0l4cdz",
      message: "Errors.Execution.IncludeNotFound",
      detail: "request/c"
    })
  })

  it("refuses an include whose latest list is empty", () => {
    const cleared = worldOf(["t1"], { "request/b": [] })
    expect(refusalOf(setIn(cleared, svc("a"), [include(svc("b"))])).message)
      .toBe("Errors.Execution.IncludeNotFound")
  })

  it("refuses an include listed twice", () => {
    expect(refusalOf(setIn(world, svc("a"), [include(svc("b")), include(svc("b"))])).message)
      .toBe("Errors.Execution.IncludeNotFound")
  })

  it("checks targets before includes", () => {
    expect(refusalOf(setIn(world, svc("a"), [include(svc("c")), target("gone")])).message)
      .toBe("Errors.Target.NotFound")
  })
})

describe("Execution › validation order", () => {
  const world = worldOf([], {})

  it("checks the condition's shape first", () => {
    expect(refusalOf(setIn(world, request({}), [{ _tag: "Target", targetId: "" }]))).toMatchObject({
      kind: "InvalidArgument",
      id: "COMMAND-3tkej630e6",
      message: "Errors.Execution.Invalid"
    })
  })

  it("checks the entries before the catalog", () => {
    expect(refusalOf(setIn(world, svc("unknown"), [target("")]))).toEqual({
      kind: "InvalidArgument",
      id: "EXEC-3ntrYv",
      message: "Errors.Execution.Invalid",
      detail: "entry 1 names no target"
    })
    expect(refusalOf(setIn(world, svc("unknown"), [include(event({}))])).id)
      .toBe("COMMAND-w5smb6v7qu")
    const odd = { _tag: "Other" } as unknown as EntryInput
    expect(refusalOf(setIn(world, svc("unknown"), [odd])).detail)
      .toBe("entry 1 is neither a target nor an include")
  })

  it("checks the catalog before anything stored", () => {
    expect(refusalOf(setIn(world, svc("unknown"), [target("gone")]))).toEqual({
      kind: "NotFound",
      id: "COMMAND-qu6dfhiioq",
      message: "Errors.Execution.ConditionInvalid",
      detail: "unknown service unknown"
    })
  })

  it("refuses a missing instance", () => {
    expect(refusalOf(decideSetExecution(initial, {
      instanceId: "",
      condition: svc("a"),
      entries: [],
      world
    }))).toEqual({ kind: "InvalidArgument", id: "COMMAND-gg3a6ol4om", message: "Errors.IDMissing" })
  })
})

describe("Execution › when set", () => {
  const world = worldOf(["t1"], {
    "request/a": [targetEntry("t1"), includeEntry("request/b")],
    "request/b": [targetEntry("t1")]
  })

  it("writes nothing for the same list", () => {
    expect(eventsOf(setIn(world, svc("a"), [target("t1"), include(svc("b"))]))).toEqual([])
  })

  it("writes the full list when only the order changes", () => {
    expect(eventsOf(setIn(world, svc("a"), [include(svc("b")), target("t1")]))).toEqual(
      set(includeEntry("request/b"), targetEntry("t1"))
    )
  })

  it("removes the execution with an empty list", () => {
    expect(eventsOf(setIn(world, svc("a"), []))).toEqual(set())
  })

  it("refuses the same list again once one of its targets is removed [stricter than ZITADEL]",
    () => {
      const dead = worldOf([], { "request/a": [targetEntry("t1")] })
      expect(refusalOf(setIn(dead, svc("a"), [target("t1")]))).toEqual({
        kind: "NotFound",
        id: "COMMAND-17e8fq1ggk",
        message: "Errors.Target.NotFound",
        detail: "t1"
      })
    })

  it("clears an execution whose only target was removed", () => {
    const dead = worldOf([], { "request/a": [targetEntry("t1")] })
    expect(eventsOf(setIn(dead, svc("a"), []))).toEqual([{ _tag: "ExecutionSet", entries: [] }])
  })

  it("refuses to include an execution whose targets were all removed", () => {
    const world = worldOf(["t2"], {
      "request/a": [targetEntry("t1")],
      "request/b": [targetEntry("t2")]
    })
    expect(refusalOf(setIn(world, svc("b"), [target("t2"), include(svc("a"))]))).toEqual({
      kind: "NotFound",
      id: "COMMAND-slgj0l4cdz",
      message: "Errors.Execution.IncludeNotFound",
      detail: "request/a"
    })
  })

  it("refuses a changed list that still names a removed target", () => {
    const dead = worldOf(["t2"], { "request/a": [targetEntry("t1")] })
    expect(refusalOf(setIn(dead, svc("a"), [target("t1"), target("t2")])).message)
      .toBe("Errors.Target.NotFound")
  })
})

describe("Execution › include cycles", () => {
  const circular = (id: string, detail: string) => ({
    kind: "PreconditionFailed",
    id,
    message: "Errors.Execution.CircularInclude",
    detail
  })

  it("refuses an execution that includes itself", () => {
    const world = worldOf(["t1"], { "request/a": [targetEntry("t1")] })
    expect(refusalOf(setIn(world, svc("a"), [target("t1"), include(svc("a"))])))
      .toEqual(circular("COMMAND-mo1cmjp5k7", "request/a -> request/a"))
  })

  it("refuses a cycle of two", () => {
    const world = worldOf(["t1"], {
      "request/a": [targetEntry("t1")],
      "request/b": [includeEntry("request/a")]
    })
    expect(refusalOf(setIn(world, svc("a"), [include(svc("b"))])))
      .toEqual(circular("COMMAND-819opvhgjv", "request/a -> request/b -> request/a"))
  })

  it("refuses a cycle of three", () => {
    const world = worldOf(["t1"], {
      "request/a": [targetEntry("t1")],
      "request/b": [includeEntry("request/c")],
      "request/c": [includeEntry("request/a")]
    })
    expect(refusalOf(setIn(world, svc("a"), [include(svc("b"))])))
      .toEqual(circular("COMMAND-819opvhgjv", "request/a -> request/b -> request/c -> request/a"))
  })

  it("refuses a long cycle as a cycle, not only as too deep", () => {
    const world = worldOf(["t1"], {
      "request/a": [targetEntry("t1")],
      "request/b": [includeEntry("request/c")],
      "request/c": [includeEntry("request/d")],
      "request/d": [includeEntry("request/e")],
      "request/e": [includeEntry("request/a")]
    })
    expect(refusalOf(setIn(world, svc("a"), [include(svc("b"))]))).toEqual(circular(
      "COMMAND-819opvhgjv",
      "request/a -> request/b -> request/c -> request/d -> request/e -> request/a"
    ))
  })

  it("refuses a cycle closed from below a target entry", () => {
    const world = worldOf(["t1"], {
      "request/b": [targetEntry("t1"), includeEntry("request/a")],
      "request/a": [targetEntry("t1")]
    })
    expect(refusalOf(setIn(world, svc("a"), [target("t1"), include(svc("b"))])).message)
      .toBe("Errors.Execution.CircularInclude")
  })
})

describe("Execution › include depth", () => {
  const tooDeep = (detail: string) => ({
    kind: "PreconditionFailed",
    id: "COMMAND-gbhd3g57oo",
    message: "Errors.Execution.MaxLevelsInclude",
    detail
  })

  it("allows root -> A -> B", () => {
    const world = worldOf(["t1"], {
      "request/b": [includeEntry("request/c")],
      "request/c": [targetEntry("t1")]
    })
    expect(eventsOf(setIn(world, svc("a"), [include(svc("b"))])))
      .toEqual(set(includeEntry("request/b")))
  })

  it("refuses root -> A -> B -> C [from below]", () => {
    const world = worldOf(["t1"], {
      "request/b": [includeEntry("request/c")],
      "request/c": [includeEntry("request/d")],
      "request/d": [targetEntry("t1")]
    })
    expect(refusalOf(setIn(world, svc("a"), [include(svc("b"))])))
      .toEqual(tooDeep("request/a -> request/b -> request/c -> request/d"))
  })

  it("allows two edges through the changed execution [one above, one below]", () => {
    const world = worldOf(["t1"], {
      "request/a": [includeEntry("request/b")],
      "request/b": [targetEntry("t1")],
      "request/c": [targetEntry("t1")]
    })
    expect(eventsOf(setIn(world, svc("b"), [include(svc("c"))])))
      .toEqual(set(includeEntry("request/c")))
  })

  it("refuses a chain made too deep by what already includes the execution [from above]", () => {
    const world = worldOf(["t1"], {
      "request/x": [includeEntry("request/a")],
      "request/a": [includeEntry("request/b")],
      "request/b": [targetEntry("t1")],
      "request/c": [targetEntry("t1")]
    })
    expect(refusalOf(setIn(world, svc("b"), [include(svc("c"))])))
      .toEqual(tooDeep("request/x -> request/a -> request/b -> request/c"))
  })

  it("refuses a chain too deep from above and below together", () => {
    const world = worldOf(["t1"], {
      "request/a": [includeEntry("request/b")],
      "request/b": [targetEntry("t1")],
      "request/c": [includeEntry("request/d")],
      "request/d": [targetEntry("t1")]
    })
    expect(refusalOf(setIn(world, svc("b"), [include(svc("c"))])))
      .toEqual(tooDeep("request/a -> request/b -> request/c -> request/d"))
  })

  it("allows shared includes [a diamond]", () => {
    const world = worldOf(["t1"], {
      "request/b": [includeEntry("request/d")],
      "request/c": [includeEntry("request/d")],
      "request/d": [targetEntry("t1")]
    })
    expect(eventsOf(setIn(world, svc("a"), [include(svc("b")), include(svc("c"))])))
      .toEqual(set(includeEntry("request/b"), includeEntry("request/c")))
  })

  it("allows removing includes from a chain that is too deep", () => {
    const world = worldOf(["t1"], {
      "request/a": [includeEntry("request/b")],
      "request/b": [includeEntry("request/c")],
      "request/c": [includeEntry("request/d")],
      "request/d": [targetEntry("t1")]
    })
    expect(eventsOf(setIn(world, svc("c"), [target("t1")]))).toEqual(set(targetEntry("t1")))
  })
})

describe("Execution › write model", () => {
  it("folds legacy sets and removals", () => {
    const state = fold(executionWriteModel, [
      { _tag: "ExecutionLegacySet", targets: ["t1"], includes: ["request.b"] }
    ])
    expect(state).toEqual({ entries: [targetEntry("t1"), includeEntry("request.b")] })
    expect(fold(executionWriteModel, [
      { _tag: "ExecutionLegacySet", targets: ["t1"], includes: [] },
      { _tag: "ExecutionRemoved" }
    ])).toEqual(initial)
    expect(fold(executionWriteModel, [
      { _tag: "ExecutionLegacySet", targets: ["t1"], includes: [] },
      { _tag: "ExecutionSet", entries: [targetEntry("t2")] }
    ])).toEqual({ entries: [targetEntry("t2")] })
  })
})
