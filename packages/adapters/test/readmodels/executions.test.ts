import { DomainError, Execution, type JsonPayload, type StoredEvent } from "@citadel/domain"
import { expect, layer } from "@effect/vitest"
import { Effect, FastCheck as fc } from "effect"
import {
  type ExecutionFilter,
  type ExecutionSortingColumn,
  ExecutionsProjection,
  searchExecutions,
  TargetsProjection
} from "../../src/readmodels/index.js"
import { applyAll, at, reset, stored, withProjections } from "./support.js"

const projections = [TargetsProjection, ExecutionsProjection]

const target = (id: string) => ({ type: 2, target: id })
const include = (id: string) => ({ type: 1, target: id })

const execution = (
  type: string,
  id: string,
  sequence: number,
  minute: number,
  payload: JsonPayload | null,
  instanceId = "inst1"
) =>
  stored({
    instanceId,
    aggregateType: "execution",
    aggregateId: id,
    type,
    payload,
    sequence,
    minute
  })

const set = (
  id: string,
  sequence: number,
  minute: number,
  targets: ReadonlyArray<unknown>,
  instanceId = "inst1"
) => execution("execution.v2.set", id, sequence, minute, { targets }, instanceId)

const targetRemoved = (id: string, minute: number, instanceId = "inst1") =>
  stored({
    instanceId,
    aggregateType: "target",
    aggregateId: id,
    type: "target.removed",
    sequence: 2,
    minute
  })

const given = (...events: ReadonlyArray<StoredEvent>) =>
  Effect.zipRight(reset(projections), applyAll(projections, events))

const list = (filters: ReadonlyArray<ExecutionFilter> = [], instanceId = "inst1") =>
  Effect.map(
    searchExecutions(instanceId, { filters, sortingColumn: "id", asc: true }),
    (page) => page.result.map((e) => [e.id, e.entries.map(show)])
  )

const show = (entry: Execution.ExecutionEntry) =>
  entry._tag === "Target" ? `target:${entry.targetId}` : `include:${entry.executionId}`

const idsOf = (filters: ReadonlyArray<ExecutionFilter>) =>
  Effect.map(list(filters), (rows) => rows.map(([id]) => id))

// -- random histories for the property below -----------------------------------------------

const instanceIds = fc.constantFrom("inst1", "inst2")
const executionIds = fc.constantFrom("request", "event", "function/f")
const targetIds = fc.constantFrom("t1", "t2", "t3")
const anyEntry = fc.oneof(
  fc.record({ type: fc.constant(2), target: targetIds }),
  fc.record({ type: fc.constant(1), target: executionIds }),
  fc.record({ type: fc.constantFrom(0, 3), target: targetIds })
)

type Step =
  | { kind: "set"; instanceId: string; id: string; targets: ReadonlyArray<unknown> }
  | {
    kind: "legacySet"
    instanceId: string
    id: string
    targets: ReadonlyArray<string>
    includes: ReadonlyArray<string>
  }
  | { kind: "removed"; instanceId: string; id: string }
  | { kind: "targetRemoved"; instanceId: string; id: string }

const anyStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("set" as const),
    instanceId: instanceIds,
    id: executionIds,
    targets: fc.array(anyEntry, { maxLength: 4 })
  }),
  fc.record({
    kind: fc.constant("legacySet" as const),
    instanceId: instanceIds,
    id: executionIds,
    targets: fc.array(targetIds, { maxLength: 3 }),
    includes: fc.array(executionIds, { maxLength: 2 })
  }),
  fc.record({ kind: fc.constant("removed" as const), instanceId: instanceIds, id: executionIds }),
  fc.record({ kind: fc.constant("targetRemoved" as const), instanceId: instanceIds, id: targetIds })
)

const historyOf = (steps: ReadonlyArray<Step>): ReadonlyArray<StoredEvent> => {
  const sequences = new Map<string, number>()
  return steps.map((step, minute) => {
    const aggregateType = step.kind === "targetRemoved" ? "target" : "execution"
    const key = `${step.instanceId}/${aggregateType}/${step.id}`
    const sequence = (sequences.get(key) ?? 0) + 1
    sequences.set(key, sequence)
    const common = { instanceId: step.instanceId, aggregateId: step.id, sequence, minute }
    switch (step.kind) {
      case "set":
        return stored({
          ...common,
          aggregateType,
          type: "execution.v2.set",
          payload: { targets: step.targets }
        })
      case "legacySet":
        return stored({
          ...common,
          aggregateType,
          type: "execution.set",
          payload: { targets: step.targets, includes: step.includes }
        })
      case "removed":
        return stored({ ...common, aggregateType, type: "execution.removed" })
      case "targetRemoved":
        return stored({ ...common, aggregateType, type: "target.removed" })
    }
  })
}


layer(withProjections("executions", projections), { timeout: 60_000 })(
  "executions read model",
  (it) => {
    it.effect("projects a set execution with its entries in order", () =>
      Effect.gen(function*() {
        yield* given(
          set("request/svc/Method", 1, 3, [target("t2"), include("request"), target("t1")])
        )

        const page = yield* searchExecutions("inst1", {})

        expect(page).toEqual({
          totalResult: 1,
          appliedLimit: 100,
          result: [{
            id: "request/svc/Method",
            entries: [
              Execution.targetEntry("t2"),
              Execution.includeEntry("request"),
              Execution.targetEntry("t1")
            ],
            creationDate: at(3),
            changeDate: at(3),
            sequence: 1
          }]
        })
      }))

    it.effect("replaces the list on a later set", () =>
      Effect.gen(function*() {
        yield* given(
          set("event", 1, 1, [target("t1"), target("t2"), target("t3")]),
          set("event", 2, 4, [target("t3"), include("function/f")])
        )

        const [found] = (yield* searchExecutions("inst1", {})).result

        expect(found?.entries).toEqual([
          Execution.targetEntry("t3"),
          Execution.includeEntry("function/f")
        ])
        expect([found?.creationDate, found?.changeDate, found?.sequence]).toEqual([at(1), at(4), 2])
      }))

    it.effect("removes the execution on an empty list", () =>
      Effect.gen(function*() {
        yield* given(
          set("event", 1, 1, [target("t1")]),
          set("response", 1, 2, [target("t1")]),
          set("event", 2, 3, [])
        )

        expect(yield* list()).toEqual([["response", ["target:t1"]]])
      }))

    it.effect("starts anew when a cleared execution is set again", () =>
      Effect.gen(function*() {
        yield* given(
          set("event", 1, 1, [target("t1")]),
          set("event", 2, 3, []),
          set("event", 3, 5, [target("t2")])
        )

        const [found] = (yield* searchExecutions("inst1", {})).result

        expect([found?.entries, found?.creationDate, found?.changeDate, found?.sequence])
          .toEqual([[Execution.targetEntry("t2")], at(5), at(5), 3])
      }))

    it.effect("skips entries of an unknown type", () =>
      Effect.gen(function*() {
        yield* given(set("event", 1, 1, [
          { type: 0, target: "t0" },
          target("t1"),
          { type: 3, target: "t3" },
          include("request")
        ]))

        expect(yield* list()).toEqual([["event", ["target:t1", "include:request"]]])
      }))

    it.effect("skips an event whose payload no version wrote", () =>
      Effect.gen(function*() {
        yield* given(
          set("event", 1, 1, [target("t1")]),
          set("event", 2, 2, ["t2"]),
          execution("execution.v2.set", "event", 3, 3, { targets: "t3" })
        )

        expect(yield* list()).toEqual([["event", ["target:t1"]]])
      }))

    it.effect("removes the execution when no entry is usable", () =>
      Effect.gen(function*() {
        yield* given(
          set("event", 1, 1, [target("t1")]),
          set("event", 2, 2, [{ type: 0, target: "t1" }])
        )

        expect(yield* list()).toEqual([])
      }))

    it.effect("reads the legacy set event, targets first", () =>
      Effect.gen(function*() {
        yield* given(execution("execution.set", "request/svc", 1, 1, {
          targets: ["t1", "t2"],
          includes: ["request"]
        }))

        expect(yield* list()).toEqual([
          ["request/svc", ["target:t1", "target:t2", "include:request"]]
        ])
      }))

    it.effect("replaces a legacy list with a v2 list", () =>
      Effect.gen(function*() {
        yield* given(
          execution("execution.set", "event", 1, 1, { targets: ["t1"], includes: null }),
          set("event", 2, 2, [target("t9")])
        )

        expect(yield* list()).toEqual([["event", ["target:t9"]]])
      }))

    it.effect("removes an execution on the legacy removed event", () =>
      Effect.gen(function*() {
        yield* given(
          execution("execution.set", "event", 1, 1, { targets: ["t1"], includes: [] }),
          set("response", 1, 1, [target("t1")]),
          execution("execution.removed", "event", 2, 2, null)
        )

        expect(yield* list()).toEqual([["response", ["target:t1"]]])
      }))

    it.effect("drops the entries naming a removed target", () =>
      Effect.gen(function*() {
        yield* given(
          set("event", 1, 1, [target("t1"), include("request"), target("t2"), target("t1")]),
          set("request", 1, 2, [target("t1")]),
          set("response", 1, 3, [target("t2")]),
          set("event", 1, 4, [target("t1")], "inst2"),
          targetRemoved("t1", 5)
        )

        expect(yield* list()).toEqual([
          ["event", ["include:request", "target:t2"]],
          ["response", ["target:t2"]]
        ])
        expect(yield* list([], "inst2")).toEqual([["event", ["target:t1"]]])
      }))

    it.effect("lists an execution again when it is set after its targets were removed", () =>
      Effect.gen(function*() {
        yield* given(
          set("request", 1, 1, [target("t1")]),
          targetRemoved("t1", 2),
          set("request", 2, 3, [target("t2")])
        )

        const [found] = (yield* searchExecutions("inst1", {})).result

        expect([found?.entries, found?.creationDate])
          .toEqual([[Execution.targetEntry("t2")], at(1)])
      }))

    it.effect("keeps instances apart", () =>
      Effect.gen(function*() {
        yield* given(
          set("event", 1, 1, [target("t1")]),
          set("event", 1, 2, [target("t2")], "inst2"),
          execution("execution.removed", "event", 2, 3, null, "inst2")
        )

        expect(yield* list()).toEqual([["event", ["target:t1"]]])
        expect(yield* list([], "inst2")).toEqual([])
      }))

    it.effect("drops an instance's executions when the instance is removed", () =>
      Effect.gen(function*() {
        yield* given(
          set("event", 1, 1, [target("t1")]),
          set("event", 1, 1, [target("t1")], "inst2"),
          stored({
            instanceId: "inst2",
            aggregateType: "instance",
            aggregateId: "inst2",
            type: "instance.removed",
            sequence: 4,
            minute: 2
          })
        )

        expect(yield* list([], "inst2")).toEqual([])
        expect(yield* list()).toEqual([["event", ["target:t1"]]])
      }))

    const catalogue = [
      set("request", 1, 1, [target("t1")]),
      set("request/zitadel.user.v2.UserService", 1, 2, [target("t2"), include("request")]),
      set("request/zitadel.user.v2.UserService/AddHumanUser", 1, 3, [target("t1")]),
      set("requests", 1, 4, [target("t1")]),
      set("response/zitadel.user.v2.UserService", 1, 5, [include("request")]),
      set("event/user.human.added", 1, 6, [target("t3")]),
      set("event/user.*", 1, 7, [target("t2"), target("t3")]),
      set("function/preuserinfo", 1, 8, [include("event/user.*")])
    ]

    it.effect("filters by conditions", () =>
      Effect.gen(function*() {
        yield* given(...catalogue)

        const found = yield* idsOf([{
          _tag: "InConditions",
          executionIds: ["request", "event/user.*", "function/other"]
        }])

        expect(found).toEqual(["event/user.*", "request"])
        expect(yield* idsOf([{ _tag: "InConditions", executionIds: [] }])).toEqual([])
      }))

    it.effect("filters by execution type", () =>
      Effect.gen(function*() {
        yield* given(...catalogue)

        expect(yield* idsOf([{ _tag: "ExecutionType", executionType: "request" }])).toEqual([
          "request",
          "request/zitadel.user.v2.UserService",
          "request/zitadel.user.v2.UserService/AddHumanUser"
        ])
        expect(yield* idsOf([{ _tag: "ExecutionType", executionType: "response" }]))
          .toEqual(["response/zitadel.user.v2.UserService"])
        expect(yield* idsOf([{ _tag: "ExecutionType", executionType: "event" }]))
          .toEqual(["event/user.*", "event/user.human.added"])
        expect(yield* idsOf([{ _tag: "ExecutionType", executionType: "function" }]))
          .toEqual(["function/preuserinfo"])
      }))

    it.effect("filters by target", () =>
      Effect.gen(function*() {
        yield* given(...catalogue)

        expect(yield* idsOf([{ _tag: "Target", targetId: "t2" }])).toEqual([
          "event/user.*",
          "request/zitadel.user.v2.UserService"
        ])
        expect(yield* idsOf([{ _tag: "Target", targetId: "request" }])).toEqual([])
      }))

    it.effect("filters by include", () =>
      Effect.gen(function*() {
        yield* given(...catalogue)

        expect(yield* idsOf([{ _tag: "Include", executionId: "request" }])).toEqual([
          "request/zitadel.user.v2.UserService",
          "response/zitadel.user.v2.UserService"
        ])
        expect(yield* idsOf([{ _tag: "Include", executionId: "t1" }])).toEqual([])
      }))

    it.effect("requires every filter to match", () =>
      Effect.gen(function*() {
        yield* given(...catalogue)

        const found = yield* idsOf([
          { _tag: "ExecutionType", executionType: "request" },
          { _tag: "Target", targetId: "t1" }
        ])

        expect(found).toEqual(["request", "request/zitadel.user.v2.UserService/AddHumanUser"])
      }))

    it.effect("refuses an unknown execution type", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(searchExecutions("inst1", {
          filters: [{ _tag: "ExecutionType", executionType: "req%" as "request" }]
        }))

        expect(error).toMatchObject({ kind: "InvalidArgument", message: "List.Query.Invalid" })
      }))

    const sortable = [
      set("b", 1, 1, [target("t1")]),
      set("b", 2, 9, [target("t2")]),
      set("c", 1, 2, [target("t1")]),
      set("a", 1, 3, [target("t1")])
    ]
    const ascending: ReadonlyArray<readonly [ExecutionSortingColumn, ReadonlyArray<string>]> = [
      ["id", ["a", "b", "c"]],
      ["creationDate", ["b", "c", "a"]],
      ["changeDate", ["c", "a", "b"]]
    ]
    for (const [sortingColumn, order] of ascending) {
      it.effect(`sorts by ${sortingColumn} [asc, desc]`, () =>
        Effect.gen(function*() {
          yield* given(...sortable)

          const asc = yield* searchExecutions("inst1", { sortingColumn, asc: true })
          const desc = yield* searchExecutions("inst1", { sortingColumn, asc: false })

          expect(asc.result.map((e) => e.id)).toEqual(order)
          expect(desc.result.map((e) => e.id)).toEqual([...order].reverse())
        }))
    }

    it.effect("sorts by creation date, descending, by default", () =>
      Effect.gen(function*() {
        yield* given(...sortable)

        const page = yield* searchExecutions("inst1", {})

        expect(page.result.map((e) => e.id)).toEqual(["a", "c", "b"])
      }))

    it.effect("pages through the results with the total count", () =>
      Effect.gen(function*() {
        yield* given(...catalogue, set("event/gone", 1, 9, [target("t9")]), targetRemoved("t9", 10))
        const page = (offset: number, limit: number) =>
          searchExecutions("inst1", { offset, limit, asc: true, sortingColumn: "creationDate" })

        const first = yield* page(0, 3)
        const last = yield* page(6, 3)
        const beyond = yield* page(20, 3)

        expect([first.totalResult, first.appliedLimit, first.result.map((e) => e.id)]).toEqual([
          8,
          3,
          [
            "request",
            "request/zitadel.user.v2.UserService",
            "request/zitadel.user.v2.UserService/AddHumanUser"
          ]
        ])
        expect(last.result.map((e) => e.id)).toEqual(["event/user.*", "function/preuserinfo"])
        expect([beyond.totalResult, beyond.result]).toEqual([8, []])
      }))

    it.effect.prop(
      "lists what the domain says the read model holds, for any history",
      [fc.array(anyStep, { maxLength: 25 })],
      ([steps]) =>
        Effect.gen(function*() {
          const history = historyOf(steps)
          yield* given(...history)

          for (const instanceId of ["inst1", "inst2"]) {
            const page = yield* searchExecutions(instanceId, {
              sortingColumn: "id",
              asc: true,
              limit: 1000
            })
            const expected = Execution.executionsReadModel(
              history.filter((event) => event.aggregate.instanceId === instanceId)
            )

            expect(page.result.map((e) => [e.id, e.entries])).toEqual(
              [...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
            )
            expect(page.totalResult).toBe(expected.size)
          }
        }),
      { fastCheck: { numRuns: 40 } }
    )

    it.effect("refuses a limit above the maximum", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(searchExecutions("inst1", { limit: 5000 }))

        expect(error).toEqual(
          new DomainError({
            kind: "InvalidArgument",
            id: "QUERY-4M0fs",
            message: "Errors.Query.LimitExceeded",
            detail: "given: 5000, allowed: 1000"
          })
        )
      }))
  }
)
