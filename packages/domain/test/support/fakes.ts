import { Effect, Layer, Redacted } from "effect"
import {
  alreadyExists,
  type DomainError,
  type PendingEvent,
  type StoredEvent
} from "../../src/kernel/index.js"
import {
  Clock,
  ConcurrencyConflict,
  Crypto,
  type CryptoValue,
  EventStore,
  type Expectation,
  IdGenerator,
  wholeType
} from "../../src/ports/index.js"

/**
 * A small in-test event store: enough of the port for use-case tests (expectations, unique
 * constraints, reads by filter). Not the adapter; it keeps everything in one array.
 */
export const makeFakeEventStore = () => {
  const events: Array<StoredEvent> = []
  const constraints = new Set<string>()
  const appends: Array<{
    readonly events: ReadonlyArray<PendingEvent>
    readonly expectations: ReadonlyArray<Expectation>
  }> = []
  /** Runs once before the next append's checks, to play a concurrent writer. */
  let beforeNextAppend: (() => void) | undefined

  const latest = (instanceId: string, type: string, id: string) =>
    events.filter((e) =>
      e.aggregate.instanceId === instanceId && e.aggregate.type === type && e.aggregate.id === id
    ).at(-1)?.sequence ?? 0

  const store = (event: PendingEvent) => {
    const stored: StoredEvent = {
      aggregate: event.aggregate,
      type: event.type,
      payload: event.payload,
      creator: event.creator,
      createdAt: event.createdAt,
      sequence: latest(event.aggregate.instanceId, event.aggregate.type, event.aggregate.id) + 1,
      position: { position: events.length + 1, inTxOrder: 0 }
    }
    events.push(stored)
    return stored
  }

  const service = EventStore.of({
    append: (pending, expectations, typeExpectations = []) =>
      Effect.suspend((): Effect.Effect<
        ReadonlyArray<StoredEvent>,
        ConcurrencyConflict | DomainError
      > => {
        const hook = beforeNextAppend
        beforeNextAppend = undefined
        hook?.()
        appends.push({ events: pending, expectations })
        for (const { aggregateType, events: expected, instanceId } of typeExpectations) {
          const actual = events.filter((e) =>
            e.aggregate.instanceId === instanceId && e.aggregate.type === aggregateType
          ).length
          if (actual !== expected) {
            const aggregate = wholeType(instanceId, aggregateType)
            return Effect.fail(new ConcurrencyConflict({ aggregate, expected, actual }))
          }
        }
        for (const { aggregate, sequence } of expectations) {
          const actual = latest(aggregate.instanceId, aggregate.type, aggregate.id)
          if (actual !== sequence) {
            return Effect.fail(new ConcurrencyConflict({ aggregate, expected: sequence, actual }))
          }
        }
        const taken = new Set(constraints)
        for (const event of pending) {
          for (const c of event.constraints) {
            const key = `${event.aggregate.instanceId}/${c.type}/${c.field}`
            if (c.action === "remove") taken.delete(key)
            else if (taken.has(key)) return Effect.fail(alreadyExists(c.errorId, c.message))
            else taken.add(key)
          }
        }
        constraints.clear()
        for (const key of taken) constraints.add(key)
        return Effect.succeed(pending.map(store))
      }),
    read: (filter) =>
      Effect.sync(() =>
        events.filter((e) =>
          e.aggregate.instanceId === filter.instanceId &&
          e.aggregate.type === filter.aggregateType &&
          (filter.aggregateIds === undefined || filter.aggregateIds.includes(e.aggregate.id)) &&
          (filter.eventTypes === undefined || filter.eventTypes.includes(e.type))
        )
      ),
    readAfter: (after, limit) =>
      Effect.sync(() => events.filter((e) => e.position.position > after.position).slice(0, limit))
  })

  return {
    events,
    appends,
    layer: Layer.succeed(EventStore, service),
    /** Writes events directly, as if another process had appended them. */
    seed: (pending: ReadonlyArray<PendingEvent>) => pending.map(store),
    beforeNextAppend: (hook: () => void) => {
      beforeNextAppend = hook
    }
  }
}

export const fixedNow = new Date("2025-01-02T03:04:05.000Z")

export const clockLayer = Layer.succeed(Clock, Clock.of({ now: Effect.succeed(fixedNow) }))

export const idGeneratorLayer = (ids: ReadonlyArray<string>) => {
  let next = 0
  return Layer.succeed(
    IdGenerator,
    IdGenerator.of({ next: Effect.sync(() => ids[next++] ?? `id-${next}`) })
  )
}

/** "Encrypts" by base64: enough to see which plaintext a stored value came from. */
export const fakeEncrypt = (plaintext: string): CryptoValue => ({
  CryptoType: 0,
  Algorithm: "fake",
  KeyID: "key-1",
  Crypted: Buffer.from(plaintext).toString("base64")
})

export const cryptoLayer = (secrets: ReadonlyArray<string>) => {
  let next = 0
  return Layer.succeed(
    Crypto,
    Crypto.of({
      randomSecret: () => Effect.sync(() => Redacted.make(secrets[next++] ?? `secret-${next}`)),
      encrypt: (plaintext) => Effect.succeed(fakeEncrypt(Redacted.value(plaintext))),
      decrypt: (value) =>
        Effect.succeed(Redacted.make(Buffer.from(value.Crypted, "base64").toString())),
      digest: (secret) => Effect.succeed(`digest:${Redacted.value(secret)}`)
    })
  )
}
