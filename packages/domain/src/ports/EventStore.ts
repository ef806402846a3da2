import { Context, Data, type Effect } from "effect"
import type { DomainError } from "../kernel/errors.js"
import type { AggregateKey, PendingEvent, Position, StoredEvent } from "../kernel/event.js"

/**
 * What the appender expects an aggregate's latest sequence to be (0: no events yet). An
 * expectation may name an aggregate that receives no event in this append: the append then
 * still fails if that aggregate changed, which is how rules that span aggregates stay true
 * under concurrent writers.
 */
export interface Expectation {
  readonly aggregate: AggregateKey
  readonly sequence: number
}

/**
 * What the appender expects the number of events of a whole aggregate type in an instance to be.
 * It fails the append when any aggregate of the type changed or appeared since the writer read
 * them all, which guards rules over the whole set (an include graph, say). Every writer of the
 * type must carry one, so that such writers take their turns.
 */
export interface TypeExpectation {
  readonly instanceId: string
  readonly aggregateType: string
  readonly events: number
}

/** The key a type expectation is locked and reported under: no aggregate has an empty id. */
export const wholeType = (instanceId: string, aggregateType: string): AggregateKey => ({
  instanceId,
  type: aggregateType,
  id: ""
})

/** Another writer changed an expected aggregate first; the use case reloads and decides again. */
export class ConcurrencyConflict extends Data.TaggedError("ConcurrencyConflict")<{
  readonly aggregate: AggregateKey
  readonly expected: number
  readonly actual: number
}> {}

/** The store could not be reached or returned something it could not read. */
export class EventStoreError extends Data.TaggedError("EventStoreError")<{
  readonly reason: "unavailable" | "corrupt-event" | "unknown"
  readonly cause?: unknown
}> {}

export interface EventFilter {
  readonly instanceId: string
  readonly aggregateType: string
  /** Restrict to these aggregate ids; all aggregates of the type when absent. */
  readonly aggregateIds?: ReadonlyArray<string>
  /** Restrict to these event types; all when absent. */
  readonly eventTypes?: ReadonlyArray<string>
}

export interface EventStoreService {
  /**
   * Appends the events atomically, in order, after checking every expectation, every type
   * expectation and every unique constraint the events carry. Each event's sequence follows
   * its aggregate's latest one.
   * Fails with ConcurrencyConflict when an expectation does not hold and with an AlreadyExists
   * DomainError when an added unique constraint is taken. Nothing is written on failure.
   */
  readonly append: (
    events: ReadonlyArray<PendingEvent>,
    expectations: ReadonlyArray<Expectation>,
    typeExpectations?: ReadonlyArray<TypeExpectation>
  ) => Effect.Effect<
    ReadonlyArray<StoredEvent>,
    ConcurrencyConflict | DomainError | EventStoreError
  >

  /** Events matching the filter, by aggregate and sequence. */
  readonly read: (filter: EventFilter) => Effect.Effect<ReadonlyArray<StoredEvent>, EventStoreError>

  /**
   * Up to `limit` events after `after`, in global order. Never returns an event while an
   * earlier one may still commit, so a reader following positions never skips an event.
   */
  readonly readAfter: (
    after: Position,
    limit: number
  ) => Effect.Effect<ReadonlyArray<StoredEvent>, EventStoreError>
}

export class EventStore extends Context.Tag("citadel/EventStore")<
  EventStore,
  EventStoreService
>() {}
