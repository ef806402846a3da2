import { DomainError, type JsonPayload } from "@citadel/domain"
import { expect, layer, type Vitest } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import {
  getTarget,
  searchTargets,
  type TargetFilter,
  type TargetSortingColumn,
  type TextFilterMethod
} from "../../src/readmodels/index.js"
import { TargetsProjection } from "../../src/readmodels/targets.js"
import { applyAll, at, reset, stored, withProjections } from "./support.js"

const projections = [TargetsProjection]

// Go's crypto.CryptoValue, marshalled without JSON tags.
const signingKey = {
  CryptoType: 0,
  Algorithm: "aes",
  KeyID: "targetKey",
  Crypted: "c2VjcmV0LWNpcGhlcnRleHQ="
}

const payload = (name: string, overrides: JsonPayload = {}): JsonPayload => ({
  name,
  targetType: 0,
  endpoint: `https://example.com/${name}`,
  timeout: 10_000_000_000,
  interruptOnError: true,
  signingKey,
  payloadType: 1,
  ...overrides
})

const added = (id: string, minute: number, body: JsonPayload, instanceId = "inst1") =>
  stored({
    instanceId,
    aggregateType: "target",
    aggregateId: id,
    type: "target.added",
    payload: body,
    sequence: 1,
    minute
  })

const changed = (id: string, sequence: number, minute: number, body: JsonPayload) =>
  stored({
    aggregateType: "target",
    aggregateId: id,
    type: "target.changed",
    payload: body,
    sequence,
    minute
  })

const removed = (id: string, sequence: number, minute: number, instanceId = "inst1") =>
  stored({
    instanceId,
    aggregateType: "target",
    aggregateId: id,
    type: "target.removed",
    sequence,
    minute
  })

const given = (...events: Parameters<typeof applyAll>[1]) =>
  Effect.zipRight(reset(projections), applyAll(projections, events))

const ids = (filters: ReadonlyArray<TargetFilter>) =>
  Effect.map(
    searchTargets("inst1", { filters, sortingColumn: "id", asc: true }),
    (page) => page.result.map((target) => target.id)
  )

layer(withProjections("targets", projections), { timeout: 60_000 })("targets read model", (it) => {
  it.effect("projects an added target", () =>
    Effect.gen(function*() {
      yield* given(added("t1", 1, payload("hook")))

      const target = yield* getTarget("inst1", "t1")

      expect(target).toEqual(Option.some({
        id: "t1",
        name: "hook",
        targetType: 0,
        endpoint: "https://example.com/hook",
        timeoutNs: 10_000_000_000,
        interruptOnError: true,
        payloadType: 1,
        creationDate: at(1),
        changeDate: at(1),
        sequence: 1,
        resourceOwner: "inst1"
      }))
    }))

  it.effect("finds no target for an unknown id", () =>
    Effect.gen(function*() {
      yield* given(added("t1", 1, payload("hook")))

      expect(yield* getTarget("inst1", "t2")).toEqual(Option.none())
    }))

  it.effect("keeps the signing key out of the table", () =>
    Effect.gen(function*() {
      yield* given(added("t1", 1, payload("hook")))
      const sql = yield* SqlClient.SqlClient

      const rows = yield* sql`SELECT * FROM projections.targets2`

      expect(rows).toHaveLength(1)
      expect(Object.keys(rows[0]!).sort()).toEqual([
        "change_date",
        "creation_date",
        "endpoint",
        "id",
        "instance_id",
        "interrupt_on_error",
        "name",
        "payload_type",
        "resource_owner",
        "sequence",
        "target_type",
        "timeout_ns"
      ])
      expect(JSON.stringify(rows)).not.toContain(signingKey.Crypted)
    }))

  // Legacy numbering: 1 webhook, 2 request/response; `async` made either async.
  it.effect("reads legacy added targets [url, async, old type numbers]", () =>
    Effect.gen(function*() {
      yield* given(
        added("t1", 1, { name: "a", targetType: 1, url: "https://a", timeout: 5, async: true }),
        added("t2", 2, { name: "b", targetType: 2, url: "https://b", timeout: 6, async: false }),
        added("t3", 3, { name: "c", targetType: 1, url: "https://c", timeout: 7, async: false })
      )

      const [a, b, c] = (yield* searchTargets("inst1", { sortingColumn: "id", asc: true })).result

      expect([a?.endpoint, a?.targetType, a?.timeoutNs, a?.interruptOnError, a?.payloadType])
        .toEqual(["https://a", 2, 5, false, 0])
      expect([b?.endpoint, b?.targetType, b?.timeoutNs]).toEqual(["https://b", 1, 6])
      expect([c?.endpoint, c?.targetType, c?.timeoutNs]).toEqual(["https://c", 0, 7])
    }))

  it.effect("applies a change of some fields", () =>
    Effect.gen(function*() {
      yield* given(
        added("t1", 1, payload("hook")),
        changed("t1", 2, 5, { name: "renamed", timeout: 3_000_000_000, signingKey })
      )

      const target = Option.getOrThrow(yield* getTarget("inst1", "t1"))

      expect(target).toEqual({
        id: "t1",
        name: "renamed",
        targetType: 0,
        endpoint: "https://example.com/hook",
        timeoutNs: 3_000_000_000,
        interruptOnError: true,
        payloadType: 1,
        creationDate: at(1),
        changeDate: at(5),
        sequence: 2,
        resourceOwner: "inst1"
      })
    }))

  it.effect("applies a change of every field", () =>
    Effect.gen(function*() {
      yield* given(
        added("t1", 1, payload("hook")),
        changed("t1", 2, 5, {
          name: "call",
          targetType: 1,
          endpoint: "https://example.com/call",
          timeout: 7,
          interruptOnError: false,
          payloadType: 3
        })
      )

      const target = Option.getOrThrow(yield* getTarget("inst1", "t1"))

      expect([
        target.name,
        target.targetType,
        target.endpoint,
        target.timeoutNs,
        target.interruptOnError,
        target.payloadType
      ]).toEqual(["call", 1, "https://example.com/call", 7, false, 3])
    }))

  it.effect("applies legacy changes [url, async]", () =>
    Effect.gen(function*() {
      yield* given(
        added("t1", 1, { name: "a", targetType: 2, url: "https://a", timeout: 5, async: false }),
      )
      const before = Option.getOrThrow(yield* getTarget("inst1", "t1"))

      yield* applyAll(projections, [changed("t1", 2, 2, { url: "https://changed", async: true })])
      const afterAsync = Option.getOrThrow(yield* getTarget("inst1", "t1"))

      yield* applyAll(projections, [changed("t1", 3, 3, { async: false })])
      const afterSync = Option.getOrThrow(yield* getTarget("inst1", "t1"))

      expect([before.endpoint, before.targetType]).toEqual(["https://a", 1])
      expect([afterAsync.endpoint, afterAsync.targetType]).toEqual(["https://changed", 2])
      expect(afterSync.targetType).toBe(0)
    }))

  it.effect("skips an event whose payload no version wrote", () =>
    Effect.gen(function*() {
      yield* given(
        added("t1", 1, { targetType: 0, endpoint: "https://nameless", timeout: 1 }),
        added("t2", 2, payload("two")),
        changed("t2", 2, 3, { name: 42 })
      )

      const page = yield* searchTargets("inst1", {})

      expect(page.result.map((t) => [t.id, t.name, t.sequence])).toEqual([["t2", "two", 1]])
    }))

  it.effect("removes a target", () =>
    Effect.gen(function*() {
      yield* given(
        added("t1", 1, payload("one")),
        added("t2", 2, payload("two")),
        removed("t1", 2, 3)
      )

      expect(yield* getTarget("inst1", "t1")).toEqual(Option.none())
      expect(yield* ids([])).toEqual(["t2"])
    }))

  it.effect("leaves the same row when an added event is applied twice", () =>
    Effect.gen(function*() {
      const event = added("t1", 1, payload("hook"))
      yield* given(event, event)

      const page = yield* searchTargets("inst1", {})

      expect(page.totalResult).toBe(1)
      expect(page.result[0]?.name).toBe("hook")
    }))

  it.effect("keeps instances apart", () =>
    Effect.gen(function*() {
      yield* given(
        added("t1", 1, payload("mine")),
        added("t1", 2, payload("theirs"), "inst2"),
        added("t2", 3, payload("only-theirs"), "inst2"),
        removed("t1", 2, 4, "inst2")
      )

      const mine = yield* getTarget("inst1", "t1")
      const theirs = yield* searchTargets("inst2", {})

      expect(Option.map(mine, (t) => t.name)).toEqual(Option.some("mine"))
      expect(theirs.totalResult).toBe(1)
      expect(theirs.result.map((t) => [t.id, t.name, t.resourceOwner]))
        .toEqual([["t2", "only-theirs", "inst2"]])
      expect(yield* getTarget("inst2", "t1")).toEqual(Option.none())
    }))

  it.effect("drops an instance's targets when the instance is removed", () =>
    Effect.gen(function*() {
      yield* given(
        added("t1", 1, payload("a")),
        added("t1", 1, payload("b"), "inst2"),
        stored({
          instanceId: "inst2",
          aggregateType: "instance",
          aggregateId: "inst2",
          type: "instance.removed",
          sequence: 9,
          minute: 5
        })
      )

      expect((yield* searchTargets("inst2", {})).totalResult).toBe(0)
      expect((yield* searchTargets("inst1", {})).totalResult).toBe(1)
    }))

  it.effect("ignores events of other aggregates", () =>
    Effect.gen(function*() {
      yield* given(
        added("t1", 1, payload("a")),
        stored({
          aggregateType: "execution",
          aggregateId: "t1",
          type: "target.removed",
          sequence: 2,
          minute: 2
        })
      )

      expect(Option.isSome(yield* getTarget("inst1", "t1"))).toBe(true)
    }))

  describeNameFilters(it)
  describeSearch(it)
})

type Methods = Vitest.MethodsNonLive<SqlClient.SqlClient>

const names = ["alpha", "Alpha_Beta", "beta%gamma", "gamma", "back\\slash", "alph"]
const namedTargets = names.map((name, i) => added(`t${i}`, i, payload(name)))
const idOf = (name: string) => `t${names.indexOf(name)}`

function describeNameFilters(it: Methods) {
  const cases: ReadonlyArray<readonly [TextFilterMethod, string, ReadonlyArray<string>]> = [
    ["equals", "alpha", ["alpha"]],
    ["equals", "ALPHA", []],
    ["equalsIgnoreCase", "ALPHA", ["alpha"]],
    ["startsWith", "Alpha", ["Alpha_Beta"]],
    ["startsWithIgnoreCase", "ALPH", ["alpha", "Alpha_Beta", "alph"]],
    ["contains", "ta%g", ["beta%gamma"]],
    ["containsIgnoreCase", "BETA", ["Alpha_Beta", "beta%gamma"]],
    ["endsWith", "amma", ["beta%gamma", "gamma"]],
    ["endsWithIgnoreCase", "_BETA", ["Alpha_Beta"]],
    // Wildcards in the value match only themselves.
    ["contains", "_", ["Alpha_Beta"]],
    ["contains", "%", ["beta%gamma"]],
    ["containsIgnoreCase", "%", ["beta%gamma"]],
    ["equalsIgnoreCase", "alph_", []],
    ["startsWith", "alph%", []],
    ["endsWith", "_", []],
    ["contains", "\\", ["back\\slash"]],
    ["equalsIgnoreCase", "BACK\\SLASH", ["back\\slash"]]
  ]
  for (const [method, value, expected] of cases) {
    it.effect(`filters names by ${method} ${JSON.stringify(value)}`, () =>
      Effect.gen(function*() {
        yield* given(...namedTargets)

        const found = yield* ids([{ _tag: "TargetName", method, name: value }])

        expect(found).toEqual(expected.map(idOf).sort())
      }))
  }
}

function describeSearch(it: Methods) {
  it.effect("filters by a list of ids", () =>
    Effect.gen(function*() {
      yield* given(...namedTargets)

      expect(yield* ids([{ _tag: "InTargetIds", ids: ["t3", "t1", "nope"] }])).toEqual(["t1", "t3"])
      expect(yield* ids([{ _tag: "InTargetIds", ids: [] }])).toEqual([])
    }))

  it.effect("requires every filter to match", () =>
    Effect.gen(function*() {
      yield* given(...namedTargets)

      const found = yield* ids([
        { _tag: "TargetName", method: "startsWithIgnoreCase", name: "alph" },
        { _tag: "InTargetIds", ids: ["t1", "t2", "t5"] }
      ])

      expect(found).toEqual(["t1", "t5"])
    }))

  it.effect("refuses an unknown text method", () =>
    Effect.gen(function*() {
      yield* given(...namedTargets)

      const error = yield* Effect.flip(searchTargets("inst1", {
        filters: [{ _tag: "TargetName", method: "like" as TextFilterMethod, name: "a" }]
      }))

      expect(error).toBeInstanceOf(DomainError)
      expect(error).toMatchObject({ kind: "InvalidArgument", message: "List.Query.Invalid" })
    }))

  // Three targets whose every sortable column orders them differently.
  const sortable = [
    added("t1", 1, {
      name: "b",
      targetType: 1,
      endpoint: "https://c",
      timeout: 3,
      interruptOnError: true,
      payloadType: 2
    }),
    changed("t1", 2, 9, { name: "b" }),
    added("t2", 2, {
      name: "c",
      targetType: 2,
      endpoint: "https://a",
      timeout: 1,
      interruptOnError: false,
      payloadType: 1
    }),
    added("t3", 3, {
      name: "a",
      targetType: 0,
      endpoint: "https://b",
      timeout: 2,
      interruptOnError: false,
      payloadType: 0
    })
  ]
  const ascending: ReadonlyArray<readonly [TargetSortingColumn, ReadonlyArray<string>]> = [
    ["id", ["t1", "t2", "t3"]],
    ["creationDate", ["t1", "t2", "t3"]],
    ["changeDate", ["t2", "t3", "t1"]],
    ["name", ["t3", "t1", "t2"]],
    ["targetType", ["t3", "t1", "t2"]],
    ["endpoint", ["t2", "t3", "t1"]],
    ["timeout", ["t2", "t3", "t1"]],
    ["interruptOnError", ["t2", "t3", "t1"]],
    ["payloadType", ["t3", "t2", "t1"]]
  ]
  for (const [sortingColumn, order] of ascending) {
    it.effect(`sorts by ${sortingColumn} [asc, desc]`, () =>
      Effect.gen(function*() {
        yield* given(...sortable)

        const asc = yield* searchTargets("inst1", { sortingColumn, asc: true })
        const desc = yield* searchTargets("inst1", { sortingColumn, asc: false })

        expect(asc.result.map((t) => t.id)).toEqual(order)
        expect(desc.result.map((t) => t.id)).toEqual([...order].reverse())
      }))
  }

  it.effect("refuses an unknown sorting column", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(searchTargets("inst1", {
        sortingColumn: "signing_key" as TargetSortingColumn
      }))

      expect(error).toMatchObject({ kind: "InvalidArgument", message: "List.Query.Invalid" })
    }))

  it.effect("sorts by creation date, descending, by default", () =>
    Effect.gen(function*() {
      yield* given(...sortable)

      const page = yield* searchTargets("inst1", {})

      expect(page.result.map((t) => t.id)).toEqual(["t3", "t2", "t1"])
    }))

  it.effect("pages through the results with the total count", () =>
    Effect.gen(function*() {
      yield* given(...namedTargets)
      const page = (offset: number, limit: number) =>
        searchTargets("inst1", { offset, limit, asc: true, sortingColumn: "id" })

      const first = yield* page(0, 4)
      const last = yield* page(4, 4)
      const beyond = yield* page(10, 4)

      expect([first.totalResult, first.appliedLimit, first.result.map((t) => t.id)])
        .toEqual([6, 4, ["t0", "t1", "t2", "t3"]])
      expect([last.totalResult, last.result.map((t) => t.id)]).toEqual([6, ["t4", "t5"]])
      expect([beyond.totalResult, beyond.result]).toEqual([6, []])
    }))

  it.effect("counts no result in an empty instance", () =>
    Effect.gen(function*() {
      yield* given(...namedTargets)

      const page = yield* searchTargets("inst9", { offset: 5 })

      expect(page).toEqual({ totalResult: 0, appliedLimit: 100, result: [] })
    }))

  it.effect("applies the default limit and accepts the maximum", () =>
    Effect.gen(function*() {
      yield* given(...namedTargets)

      const byDefault = yield* searchTargets("inst1", { limit: 0 })
      const maximum = yield* searchTargets("inst1", { limit: 1000 })

      expect([byDefault.appliedLimit, byDefault.result.length]).toEqual([100, 6])
      expect(maximum.appliedLimit).toBe(1000)
    }))

  it.effect("refuses a limit above the maximum", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(searchTargets("inst1", { limit: 1001 }))

      expect(error).toEqual(
        new DomainError({
          kind: "InvalidArgument",
          id: "QUERY-4M0fs",
          message: "Errors.Query.LimitExceeded",
          detail: "given: 1001, allowed: 1000"
        })
      )
    }))

  it.effect("refuses a negative offset", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(searchTargets("inst1", { offset: -1 }))

      expect(error).toMatchObject({ kind: "InvalidArgument", id: "QUERY-Pg8nVq" })
    }))
}
