import {
  alreadyExists,
  comparePositions,
  ConcurrencyConflict,
  EventStore,
  type EventStoreService,
  type StoredEvent,
  wholeType
} from "@citadel/domain"
import { Effect, Layer } from "effect"
import { aggregateKey, compareText, toAggregateKey } from "./keys.js"

const constraintKey = (instanceId: string, type: string, field: string) =>
  `${instanceId}\u0000${type}\u0000${field}`

/**
 * An event store held in memory, with the SQL store's semantics: each append is atomic, gets
 * the next position (1, 2, …) and numbers its events 0, 1, … inside it. Every call runs to
 * completion before the next starts, so there is never an earlier append still to commit.
 */
export const make: Effect.Effect<EventStoreService> = Effect.sync(() => {
  const events: Array<StoredEvent> = []
  const latest = new Map<string, number>()
  const constraints = new Set<string>()
  let lastPosition = 0

  const countOfType = (instanceId: string, aggregateType: string) =>
    events.filter((e) =>
      e.aggregate.instanceId === instanceId && e.aggregate.type === aggregateType
    ).length

  const append: EventStoreService["append"] = (pending, expectations, typeExpectations = []) =>
    Effect.suspend((): ReturnType<EventStoreService["append"]> => {
      for (const expectation of typeExpectations) {
        const actual = countOfType(expectation.instanceId, expectation.aggregateType)
        if (actual !== expectation.events) {
          return Effect.fail(
            new ConcurrencyConflict({
              aggregate: wholeType(expectation.instanceId, expectation.aggregateType),
              expected: expectation.events,
              actual
            })
          )
        }
      }
      for (const expectation of expectations) {
        const actual = latest.get(aggregateKey(expectation.aggregate)) ?? 0
        if (actual !== expectation.sequence) {
          return Effect.fail(
            new ConcurrencyConflict({
              aggregate: toAggregateKey(expectation.aggregate),
              expected: expectation.sequence,
              actual
            })
          )
        }
      }
      if (pending.length === 0) return Effect.succeed([])

      // Work on copies so that a refused constraint leaves the store untouched.
      const taken = new Set(constraints)
      for (const event of pending) {
        for (const constraint of event.constraints) {
          const key = constraintKey(event.aggregate.instanceId, constraint.type, constraint.field)
          if (constraint.action === "remove") {
            taken.delete(key)
          } else if (taken.has(key)) {
            return Effect.fail(alreadyExists(constraint.errorId, constraint.message))
          } else {
            taken.add(key)
          }
        }
      }

      const position = lastPosition + 1
      const sequences = new Map(latest)
      const stored = pending.map((event, index): StoredEvent => {
        const key = aggregateKey(event.aggregate)
        const sequence = (sequences.get(key) ?? 0) + 1
        sequences.set(key, sequence)
        return {
          aggregate: event.aggregate,
          type: event.type,
          payload: event.payload,
          creator: event.creator,
          createdAt: event.createdAt,
          sequence,
          position: { position, inTxOrder: index }
        }
      })

      lastPosition = position
      events.push(...stored)
      for (const [key, sequence] of sequences) latest.set(key, sequence)
      constraints.clear()
      for (const key of taken) constraints.add(key)
      return Effect.succeed(stored)
    })

  const read: EventStoreService["read"] = (filter) =>
    Effect.sync(() =>
      events
        .filter((event) =>
          event.aggregate.instanceId === filter.instanceId &&
          event.aggregate.type === filter.aggregateType &&
          (filter.aggregateIds === undefined || filter.aggregateIds.includes(event.aggregate.id)) &&
          (filter.eventTypes === undefined || filter.eventTypes.includes(event.type))
        )
        .sort((a, b) => compareText(a.aggregate.id, b.aggregate.id) || a.sequence - b.sequence)
    )

  const readAfter: EventStoreService["readAfter"] = (after, limit) =>
    Effect.sync(() =>
      events
        .filter((event) => comparePositions(event.position, after) > 0)
        .slice(0, Math.max(0, limit))
    )

  return { append, read, readAfter }
})

/** `EventStore` in memory, empty when the layer is built. */
export const layer: Layer.Layer<EventStore> = Layer.effect(EventStore, make)
