import {
  alreadyExists,
  ConcurrencyConflict,
  EventStore,
  type EventStoreService,
  type StoredEvent
} from "@citadel/domain"
import { Context, Effect, Layer, Ref } from "effect"

/**
 * A small in-memory event store for the identity tests: sequences, expectations and unique
 * constraints as the EventStore port describes them, positions in append order.
 */
export const makeMemoryStore = Effect.gen(function*() {
  const events = yield* Ref.make<ReadonlyArray<StoredEvent>>([])
  const constraints = yield* Ref.make<ReadonlySet<string>>(new Set())
  let tx = 0

  const keyOf = (a: { instanceId: string; type: string; id: string }) =>
    `${a.instanceId}/${a.type}/${a.id}`

  const service: EventStoreService = {
    append: (pending, expectations) =>
      Effect.gen(function*() {
        const all = yield* Ref.get(events)
        const latest = new Map<string, number>()
        for (const e of all) latest.set(keyOf(e.aggregate), e.sequence)
        for (const expectation of expectations) {
          const actual = latest.get(keyOf(expectation.aggregate)) ?? 0
          if (actual !== expectation.sequence) {
            return yield* new ConcurrencyConflict({
              aggregate: expectation.aggregate,
              expected: expectation.sequence,
              actual
            })
          }
        }
        const taken = new Set(yield* Ref.get(constraints))
        for (const event of pending) {
          for (const c of event.constraints) {
            const key = `${event.aggregate.instanceId}/${c.type}/${c.field}`
            if (c.action === "remove") taken.delete(key)
            else if (taken.has(key)) return yield* Effect.fail(alreadyExists(c.errorId, c.message))
            else taken.add(key)
          }
        }
        tx += 1
        const stored = pending.map((event, inTxOrder): StoredEvent => {
          const key = keyOf(event.aggregate)
          const sequence = (latest.get(key) ?? 0) + 1
          latest.set(key, sequence)
          return {
            aggregate: event.aggregate,
            type: event.type,
            payload: event.payload,
            creator: event.creator,
            createdAt: event.createdAt,
            sequence,
            position: { position: tx, inTxOrder }
          }
        })
        yield* Ref.set(constraints, taken)
        yield* Ref.set(events, [...all, ...stored])
        return stored
      }),
    read: (filter) =>
      Ref.get(events).pipe(Effect.map((all) =>
        all.filter((e) =>
          e.aggregate.instanceId === filter.instanceId &&
          e.aggregate.type === filter.aggregateType &&
          (filter.aggregateIds === undefined || filter.aggregateIds.includes(e.aggregate.id)) &&
          (filter.eventTypes === undefined || filter.eventTypes.includes(e.type))
        )
      )),
    readAfter: (after, limit) =>
      Ref.get(events).pipe(Effect.map((all) =>
        all.filter((e) =>
          e.position.position > after.position ||
          (e.position.position === after.position && e.position.inTxOrder > after.inTxOrder)
        ).slice(0, limit)
      ))
  }
  return { service, all: Ref.get(events) }
})

/** The store as a layer, plus a way to look at everything appended. */
export class MemoryEvents extends Effect.Tag("test/MemoryEvents")<MemoryEvents, {
  readonly all: Effect.Effect<ReadonlyArray<StoredEvent>>
}>() {}

export const memoryStoreLayer: Layer.Layer<EventStore | MemoryEvents> = Layer.effectContext(
  Effect.map(makeMemoryStore, ({ all, service }) =>
    Context.make(EventStore, service).pipe(Context.add(MemoryEvents, { all })))
)
