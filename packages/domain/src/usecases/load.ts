import { Effect, Option } from "effect"
import type { AggregateSpec, Loaded } from "../kernel/aggregate.js"
import type { StoredEvent } from "../kernel/event.js"
import { EventStore, type EventStoreError, type Expectation } from "../ports/EventStore.js"

const foldStream = <S, E>(
  spec: AggregateSpec<S, E>,
  id: string,
  events: ReadonlyArray<StoredEvent>
): Loaded<S> => {
  let state = spec.model.initial
  for (const stored of events) {
    const event = spec.decode(stored)
    if (Option.isSome(event)) state = spec.model.evolve(state, event.value)
  }
  const last = events.at(-1)
  return {
    id,
    state,
    sequence: last?.sequence ?? 0,
    owner: last?.aggregate.owner,
    changeDate: last?.createdAt,
    position: last?.position
  }
}

/** Loads one aggregate and folds its events. */
export const loadAggregate = <S, E>(
  spec: AggregateSpec<S, E>,
  instanceId: string,
  id: string
): Effect.Effect<Loaded<S>, EventStoreError, EventStore> =>
  Effect.flatMap(EventStore, (store) =>
    store.read({ instanceId, aggregateType: spec.type, aggregateIds: [id] })
  ).pipe(Effect.map((events) => foldStream(spec, id, events)))

/** Loads every aggregate of a type in the instance, keyed by id. */
export const loadAllAggregates = <S, E>(
  spec: AggregateSpec<S, E>,
  instanceId: string
): Effect.Effect<ReadonlyMap<string, Loaded<S>>, EventStoreError, EventStore> =>
  Effect.flatMap(EventStore, (store) => store.read({ instanceId, aggregateType: spec.type })).pipe(
    Effect.map((events) => {
      const byId = new Map<string, Array<StoredEvent>>()
      for (const event of events) {
        const stream = byId.get(event.aggregate.id) ?? []
        stream.push(event)
        byId.set(event.aggregate.id, stream)
      }
      const loaded = new Map<string, Loaded<S>>()
      for (const [id, stream] of byId) loaded.set(id, foldStream(spec, id, stream))
      return loaded
    })
  )

/** The expectation that an aggregate is still where it was when it was loaded. */
export const expectUnchanged = (
  spec: { readonly type: string },
  instanceId: string,
  loaded: Loaded<unknown>
): Expectation => ({
  aggregate: { instanceId, type: spec.type, id: loaded.id },
  sequence: loaded.sequence
})
