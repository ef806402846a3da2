import {
  type AggregateKey,
  ConcurrencyConflict,
  DomainError,
  EventStore,
  type Expectation,
  type JsonPayload,
  origin,
  type PendingEvent,
  type StoredEvent,
  type UniqueConstraint
} from "@citadel/domain"
import { expect, layer } from "@effect/vitest"
import { Effect, type Layer } from "effect"

export const instanceId = "instance-1"
export const createdAt = new Date("2024-05-01T10:00:00.123Z")

export const user = (id: string, instance = instanceId) => ({
  instanceId: instance,
  type: "user",
  id,
  owner: "org-1",
  version: 1
})

export const pending = (
  aggregate: ReturnType<typeof user>,
  type: string,
  payload: JsonPayload | null = { id: aggregate.id },
  constraints: ReadonlyArray<UniqueConstraint> = []
): PendingEvent => ({ aggregate, type, payload, creator: "SYSTEM", createdAt, constraints })

export const expecting = (aggregate: AggregateKey, sequence: number): Expectation => ({
  aggregate: { instanceId: aggregate.instanceId, type: aggregate.type, id: aggregate.id },
  sequence
})

const takeName = (name: string): UniqueConstraint => ({
  action: "add",
  type: "username",
  field: name,
  errorId: "COMMAND-k2Xa9",
  message: "Errors.User.AlreadyExists"
})
const releaseName = (name: string): UniqueConstraint => ({
  action: "remove",
  type: "username",
  field: name
})
const takeEmail = (email: string): UniqueConstraint => ({
  action: "add",
  type: "email",
  field: email,
  errorId: "COMMAND-m3Ql0",
  message: "Errors.User.Email.AlreadyExists"
})

const nameTaken = new DomainError({
  kind: "AlreadyExists",
  id: "COMMAND-k2Xa9",
  message: "Errors.User.AlreadyExists"
})

/** The fields that identify a stored event, for compact assertions. */
export const brief = ({ aggregate, sequence, type }: StoredEvent) =>
  `${aggregate.instanceId}/${aggregate.type}/${aggregate.id}#${sequence} ${type}`

const conflictFields = (error: unknown) =>
  error instanceof ConcurrencyConflict
    ? {
      _tag: error._tag,
      aggregate: error.aggregate,
      expected: error.expected,
      actual: error.actual
    }
    : error

const domainFields = (error: unknown) =>
  error instanceof DomainError
    ? { _tag: error._tag, kind: error.kind, id: error.id, message: error.message }
    : error

const append = (
  events: ReadonlyArray<PendingEvent>,
  expectations: ReadonlyArray<Expectation> = []
) =>
  Effect.flatMap(EventStore, (store) => store.append(events, expectations))

const readType = (type = "user", instance = instanceId) =>
  Effect.flatMap(EventStore, (store) => store.read({ instanceId: instance, aggregateType: type }))

export interface ContractTarget<R, E> {
  readonly name: string
  /** Built once for the file's tests, e.g. a database. */
  readonly shared: Layer.Layer<R, E>
  /** An event store holding no events, built for each test. */
  readonly fresh: Layer.Layer<EventStore, unknown, R>
}

/** The behaviour every EventStore implementation shares. */
export const eventStoreContract = <R, E>(target: ContractTarget<R, E>): void =>
  layer(target.shared, { excludeTestServices: true })(target.name, (it) => {
    const test = (name: string, body: Effect.Effect<void, unknown, EventStore>) =>
      it.effect(name, () => Effect.provide(body, target.fresh))

    const alice = user("alice")
    const bob = user("bob")
    const carol = user("carol")

    test("numbers each aggregate's events from 1", Effect.gen(function*() {
      const first = yield* append([
        pending(alice, "user.added"),
        pending(alice, "user.changed"),
        pending(bob, "user.added")
      ])
      const second = yield* append([pending(alice, "user.changed")])

      expect(first.map(brief)).toEqual([
        "instance-1/user/alice#1 user.added",
        "instance-1/user/alice#2 user.changed",
        "instance-1/user/bob#1 user.added"
      ])
      expect(second.map(brief)).toEqual(["instance-1/user/alice#3 user.changed"])
    }))

    test("reads back exactly what it stored", Effect.gen(function*() {
      const payload = { name: "Alice", tags: ["a", 1, true, null], nested: { n: 1.5 } }
      const stored = yield* append([
        pending(alice, "user.added", payload),
        pending(alice, "user.deactivated", null),
        pending(bob, "user.added", {})
      ])

      const read = yield* readType()

      expect(read).toEqual(stored)
      expect(read[0]).toEqual({
        aggregate: { instanceId, type: "user", id: "alice", owner: "org-1", version: 1 },
        type: "user.added",
        payload: { name: "Alice", tags: ["a", 1, true, null], nested: { n: 1.5 } },
        creator: "SYSTEM",
        createdAt,
        sequence: 1,
        position: stored[0]!.position
      })
    }))

    test("gives each append a later position and orders events inside it", Effect.gen(function*() {
      const first = yield* append([pending(alice, "user.added"), pending(bob, "user.added")])
      const second = yield* append([pending(carol, "user.added")])

      expect(first[0]!.position.position).toBeGreaterThan(0)
      expect(first.map((e) => e.position)).toEqual([
        { position: first[0]!.position.position, inTxOrder: 0 },
        { position: first[0]!.position.position, inTxOrder: 1 }
      ])
      expect(second[0]!.position.position).toBeGreaterThan(first[0]!.position.position)
      expect(second[0]!.position.inTxOrder).toBe(0)
    }))

    test("appends when every expectation holds", Effect.gen(function*() {
      yield* append([pending(alice, "user.added")], [expecting(alice, 0)])
      const stored = yield* append(
        [pending(alice, "user.changed")],
        [expecting(alice, 1), expecting(bob, 0)]
      )

      expect(stored.map(brief)).toEqual(["instance-1/user/alice#2 user.changed"])
    }))

    test("rejects a stale expectation, naming the actual sequence", Effect.gen(function*() {
      yield* append([pending(alice, "user.added"), pending(alice, "user.changed")])

      const error = yield* Effect.flip(
        append([pending(alice, "user.changed"), pending(bob, "user.added")], [expecting(alice, 1)])
      )

      expect(conflictFields(error)).toEqual({
        _tag: "ConcurrencyConflict",
        aggregate: { instanceId, type: "user", id: "alice" },
        expected: 1,
        actual: 2
      })
      expect((yield* readType()).map(brief)).toEqual([
        "instance-1/user/alice#1 user.added",
        "instance-1/user/alice#2 user.changed"
      ])
    }))

    test("rejects expecting a new aggregate that already has events", Effect.gen(function*() {
      yield* append([pending(alice, "user.added")])

      const error = yield* Effect.flip(
        append([pending(alice, "user.added")], [expecting(alice, 0)])
      )

      expect(conflictFields(error)).toEqual({
        _tag: "ConcurrencyConflict",
        aggregate: { instanceId, type: "user", id: "alice" },
        expected: 0,
        actual: 1
      })
    }))

    test("checks an expectation on an aggregate that gets no event", Effect.gen(function*() {
      yield* append([pending(carol, "user.added")])

      const error = yield* Effect.flip(
        append([pending(alice, "user.added")], [expecting(alice, 0), expecting(carol, 0)])
      )
      expect(conflictFields(error)).toEqual({
        _tag: "ConcurrencyConflict",
        aggregate: { instanceId, type: "user", id: "carol" },
        expected: 0,
        actual: 1
      })
      expect((yield* readType()).map(brief)).toEqual(["instance-1/user/carol#1 user.added"])

      const stored = yield* append(
        [pending(alice, "user.added")],
        [expecting(alice, 0), expecting(carol, 1)]
      )
      expect(stored.map(brief)).toEqual(["instance-1/user/alice#1 user.added"])
    }))

    test("checks expectations when there is no event to append", Effect.gen(function*() {
      yield* append([pending(alice, "user.added")])

      expect(yield* append([], [expecting(alice, 1)])).toEqual([])
      const error = yield* Effect.flip(append([], [expecting(alice, 0)]))
      expect(conflictFields(error)).toMatchObject({
        _tag: "ConcurrencyConflict",
        expected: 0,
        actual: 1
      })
    }))

    test("refuses a type expectation once any aggregate of the type changed or appeared",
      Effect.gen(function*() {
        const store = yield* EventStore
        yield* append([pending(alice, "user.added")])
        const users = { instanceId, aggregateType: "user", events: 1 }

        // another writer adds a new aggregate of the type
        yield* append([pending(bob, "user.added")])
        const error = yield* Effect.flip(
          store.append([pending(alice, "user.changed")], [expecting(alice, 1)], [users])
        )
        expect(conflictFields(error)).toEqual({
          _tag: "ConcurrencyConflict",
          aggregate: { instanceId, type: "user", id: "" },
          expected: 1,
          actual: 2
        })
        expect((yield* readType()).map(brief)).toEqual([
          "instance-1/user/alice#1 user.added",
          "instance-1/user/bob#1 user.added"
        ])

        const stored = yield* store.append(
          [pending(alice, "user.changed")],
          [expecting(alice, 1)],
          [{ ...users, events: 2 }]
        )
        expect(stored.map(brief)).toEqual(["instance-1/user/alice#2 user.changed"])
        // other types and instances do not count
        expect(yield* store.append([], [], [{ ...users, aggregateType: "org", events: 0 }]))
          .toEqual([])
      }))

    test("takes a unique constraint and refuses it to another aggregate", Effect.gen(function*() {
      yield* append([pending(alice, "user.added", null, [takeName("ally")])])

      const error = yield* Effect.flip(
        append([pending(bob, "user.added", null, [takeEmail("bob@example.com"), takeName("ally")])])
      )

      expect(domainFields(error)).toEqual(domainFields(nameTaken))
      expect((yield* readType()).map(brief)).toEqual(["instance-1/user/alice#1 user.added"])
      // The refused append took none of its constraints: the e-mail address is still free.
      const stored = yield* append([
        pending(carol, "user.added", null, [takeEmail("bob@example.com")])
      ])
      expect(stored.map(brief)).toEqual(["instance-1/user/carol#1 user.added"])
    }))

    test("refuses a constraint taken twice in one append", Effect.gen(function*() {
      const error = yield* Effect.flip(append([
        pending(alice, "user.added", null, [takeName("ally")]),
        pending(bob, "user.added", null, [takeName("ally")])
      ]))

      expect(domainFields(error)).toEqual(domainFields(nameTaken))
      expect(yield* readType()).toEqual([])
      yield* append([pending(carol, "user.added", null, [takeName("ally")])])
    }))

    test("releases a removed constraint", Effect.gen(function*() {
      yield* append([pending(alice, "user.added", null, [takeName("ally")])])
      yield* append([
        pending(alice, "user.renamed", null, [releaseName("ally"), takeName("alice")])
      ])

      const stored = yield* append([pending(bob, "user.added", null, [takeName("ally")])])

      expect(stored.map(brief)).toEqual(["instance-1/user/bob#1 user.added"])
      const error = yield* Effect.flip(
        append([pending(carol, "user.added", null, [takeName("alice")])])
      )
      expect(domainFields(error)).toEqual(domainFields(nameTaken))
    }))

    test("releases and takes again within one append", Effect.gen(function*() {
      yield* append([pending(alice, "user.added", null, [takeName("ally")])])

      const stored = yield* append([
        pending(alice, "user.removed", null, [releaseName("ally")]),
        pending(bob, "user.added", null, [takeName("ally")])
      ])

      expect(stored.map(brief)).toEqual([
        "instance-1/user/alice#2 user.removed",
        "instance-1/user/bob#1 user.added"
      ])
    }))

    test("keeps constraints apart per instance", Effect.gen(function*() {
      yield* append([pending(alice, "user.added", null, [takeName("ally")])])

      const elsewhere = user("alice", "instance-2")
      const stored = yield* append([pending(elsewhere, "user.added", null, [takeName("ally")])])

      expect(stored.map(brief)).toEqual(["instance-2/user/alice#1 user.added"])
    }))

    test("reads by instance, aggregate type, ids and event types", Effect.gen(function*() {
      const store = yield* EventStore
      yield* append([
        pending(carol, "user.added"),
        pending(alice, "user.added"),
        pending(bob, "user.added"),
        pending(alice, "user.changed"),
        pending(user("alice", "instance-2"), "user.added"),
        pending({ ...alice, type: "org" }, "org.added")
      ])
      yield* append([pending(bob, "user.changed"), pending(alice, "user.removed")])

      expect((yield* readType()).map(brief)).toEqual([
        "instance-1/user/alice#1 user.added",
        "instance-1/user/alice#2 user.changed",
        "instance-1/user/alice#3 user.removed",
        "instance-1/user/bob#1 user.added",
        "instance-1/user/bob#2 user.changed",
        "instance-1/user/carol#1 user.added"
      ])
      const byIds = yield* store.read({
        instanceId,
        aggregateType: "user",
        aggregateIds: ["carol", "bob"]
      })
      expect(byIds.map(brief)).toEqual([
        "instance-1/user/bob#1 user.added",
        "instance-1/user/bob#2 user.changed",
        "instance-1/user/carol#1 user.added"
      ])
      const byTypes = yield* store.read({
        instanceId,
        aggregateType: "user",
        aggregateIds: ["alice", "bob"],
        eventTypes: ["user.changed", "user.removed"]
      })
      expect(byTypes.map(brief)).toEqual([
        "instance-1/user/alice#2 user.changed",
        "instance-1/user/alice#3 user.removed",
        "instance-1/user/bob#2 user.changed"
      ])
      expect((yield* readType("org")).map(brief)).toEqual(["instance-1/org/alice#1 org.added"])
      expect((yield* readType("user", "instance-2")).map(brief)).toEqual([
        "instance-2/user/alice#1 user.added"
      ])
      expect(yield* store.read({ instanceId, aggregateType: "user", aggregateIds: [] })).toEqual([])
      expect(yield* store.read({ instanceId, aggregateType: "user", eventTypes: [] })).toEqual([])
      expect(yield* store.read({ instanceId, aggregateType: "project" })).toEqual([])
    }))

    test("reads events after a position in global order, up to a limit", Effect.gen(function*() {
      const store = yield* EventStore
      const first = yield* append([pending(bob, "user.added"), pending(alice, "user.added")])
      const second = yield* append([pending(user("carol", "instance-2"), "user.added")])
      const third = yield* append([pending(bob, "user.changed"), pending(alice, "user.changed")])
      const all = [...first, ...second, ...third]

      expect(yield* store.readAfter(origin, 100)).toEqual(all)
      expect(yield* store.readAfter(origin, 2)).toEqual(all.slice(0, 2))
      expect(yield* store.readAfter(first[0]!.position, 2)).toEqual(all.slice(1, 3))
      expect(yield* store.readAfter(first[1]!.position, 10)).toEqual(all.slice(2))
      expect(yield* store.readAfter(third[1]!.position, 10)).toEqual([])
      expect(yield* store.readAfter(origin, 0)).toEqual([])
    }))
  })
