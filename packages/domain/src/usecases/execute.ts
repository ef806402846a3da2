import { Effect, Either, Schedule } from "effect"
import type { AggregateSpec, Loaded } from "../kernel/aggregate.js"
import type { ObjectDetails } from "../kernel/details.js"
import { type DomainError, unavailable } from "../kernel/errors.js"
import type { PendingEvent } from "../kernel/event.js"
import { Clock } from "../ports/Clock.js"
import {
  type ConcurrencyConflict,
  EventStore,
  type EventStoreError,
  type Expectation,
  type TypeExpectation
} from "../ports/EventStore.js"
import { loadAggregate } from "./load.js"

/** How often a command is decided again after another writer changed what it read. */
export const maxConflictRetries = 5

export interface Command<S, E, C, R> {
  readonly aggregate: AggregateSpec<S, E>
  readonly instanceId: string
  readonly aggregateId: string
  /** Resource owner of new events; an existing aggregate keeps its own. */
  readonly owner: string
  readonly creator: string
  /**
   * Loads what a rule spanning aggregates needs, with an expectation for every aggregate it
   * read, so that the append fails if one of them changes before it.
   */
  readonly context?: Effect.Effect<
    {
      readonly value: C
      readonly expectations: ReadonlyArray<Expectation>
      readonly typeExpectations?: ReadonlyArray<TypeExpectation>
    },
    DomainError | EventStoreError,
    R
  >
  readonly decide: (state: S, context: C) => Either.Either<ReadonlyArray<E>, DomainError>
}

const detailsOf = (
  loaded: Loaded<unknown>,
  owner: string,
  now: Date
): ObjectDetails => ({
  sequence: loaded.sequence,
  changeDate: loaded.changeDate ?? now,
  resourceOwner: loaded.owner ?? owner,
  position: loaded.position ?? { position: 0, inTxOrder: 0 }
})

const attempt = <S, E, C, R>(command: Command<S, E, C, R>) =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const now = yield* Clock.pipe(Effect.flatMap((clock) => clock.now))
    const { aggregate: spec, instanceId, aggregateId } = command

    const loaded = yield* loadAggregate(spec, instanceId, aggregateId)
    const context: {
      readonly value: C
      readonly expectations: ReadonlyArray<Expectation>
      readonly typeExpectations?: ReadonlyArray<TypeExpectation>
    } = command.context === undefined
      ? { value: undefined as C, expectations: [] }
      : yield* command.context

    const events = yield* command.decide(loaded.state, context.value)
    if (events.length === 0) return detailsOf(loaded, command.owner, now)

    const owner = loaded.owner ?? command.owner
    const pending: Array<PendingEvent> = []
    let state = loaded.state
    for (const event of events) {
      const { payload, type } = spec.encode(event)
      pending.push({
        aggregate: { instanceId, type: spec.type, id: aggregateId, owner, version: spec.version },
        type,
        payload,
        creator: command.creator,
        createdAt: now,
        constraints: spec.constraints(state, event)
      })
      state = spec.model.evolve(state, event)
    }

    const expectations = [
      { aggregate: { instanceId, type: spec.type, id: aggregateId }, sequence: loaded.sequence },
      ...context.expectations.filter((e) =>
        !(e.aggregate.type === spec.type && e.aggregate.id === aggregateId)
      )
    ]
    const stored = yield* store.append(pending, expectations, context.typeExpectations)
    const last = stored[stored.length - 1]!
    return {
      sequence: last.sequence,
      changeDate: last.createdAt,
      resourceOwner: owner,
      position: last.position
    } satisfies ObjectDetails
  })

/**
 * Runs a command: load, decide, append with the expected sequences. When another writer got
 * there first, loads and decides again, up to `maxConflictRetries` times.
 */
export const execute = <S, E, C = undefined, R = never>(
  command: Command<S, E, C, R>
): Effect.Effect<ObjectDetails, DomainError | EventStoreError, EventStore | Clock | R> =>
  attempt(command).pipe(
    Effect.retry({
      schedule: Schedule.recurs(maxConflictRetries),
      while: (error) => error._tag === "ConcurrencyConflict"
    }),
    Effect.catchTag("ConcurrencyConflict", (conflict: ConcurrencyConflict) =>
      Effect.fail(
        unavailable(
          "EVENT-c0nfl1ct",
          "Errors.Internal",
          `aggregate ${conflict.aggregate.type}/${conflict.aggregate.id} kept changing`
        )
      )
    )
  )
