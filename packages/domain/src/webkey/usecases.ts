import { Effect, Either, Schedule } from "effect"
import type { Loaded } from "../kernel/aggregate.js"
import type { ObjectDetails } from "../kernel/details.js"
import { type DomainError, unavailable } from "../kernel/errors.js"
import type { PendingEvent, StoredEvent } from "../kernel/event.js"
import { Clock } from "../ports/Clock.js"
import { Crypto } from "../ports/Crypto.js"
import { ConcurrencyConflict, EventStore, type EventStoreError } from "../ports/EventStore.js"
import { IdGenerator } from "../ports/IdGenerator.js"
import { KeyGenerator } from "../ports/KeyGenerator.js"
import { maxConflictRetries } from "../usecases/execute.js"
import { loadAllAggregates } from "../usecases/load.js"
import { constraintsOf, firstActivationErrorId, webKeyAggregate } from "./aggregate.js"
import { defaultConfig, validateConfig, type WebKeyConfig } from "./config.js"
import {
  decideActivate,
  decideCreate,
  decideDelete,
  decideInitial,
  type NewWebKey
} from "./decide.js"
import {
  activeKeyId,
  evolveSet,
  type WebKeyChange,
  type WebKeySet,
  type WebKeyState
} from "./state.js"

/** Who asks: the instance the keys belong to and the user writing the events. */
export interface Caller {
  readonly instanceId: string
  readonly creator: string
}

type Keys = ReadonlyMap<string, Loaded<WebKeyState>>

const setOf = (keys: Keys): WebKeySet =>
  new Map([...keys].map(([id, loaded]) => [id, loaded.state]))

const detailsOfLoaded = (loaded: Loaded<unknown> | undefined, owner: string, now: Date) => ({
  sequence: loaded?.sequence ?? 0,
  changeDate: loaded?.changeDate ?? now,
  resourceOwner: loaded?.owner ?? owner,
  position: loaded?.position ?? { position: 0, inTxOrder: 0 }
}) satisfies ObjectDetails

/**
 * The details of a command's main key: its last stored event's sequence and date, and the
 * position of the whole append, so that a caller awaiting it sees every key that changed.
 */
const detailsOfStored = (stored: ReadonlyArray<StoredEvent>, keyId: string): ObjectDetails => {
  const own = stored.filter((event) => event.aggregate.id === keyId).at(-1) ?? stored.at(-1)!
  return {
    sequence: own.sequence,
    changeDate: own.createdAt,
    resourceOwner: own.aggregate.owner,
    position: stored.at(-1)!.position
  }
}

/**
 * Loads every key of the instance, decides, and appends the changes of all keys at once, with
 * an expectation on each key it read: a concurrent activation or removal makes the append
 * fail and the decision run again.
 */
const attempt = (
  caller: Caller,
  keyId: string,
  decide: (keys: WebKeySet) => Either.Either<ReadonlyArray<WebKeyChange>, DomainError>
) =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const now = yield* Clock.pipe(Effect.flatMap((clock) => clock.now))
    const { creator, instanceId } = caller
    const keys = yield* loadAllAggregates(webKeyAggregate, instanceId)

    let set = setOf(keys)
    const changes = yield* decide(set)
    if (changes.length === 0) return detailsOfLoaded(keys.get(keyId), instanceId, now)

    const pending: Array<PendingEvent> = []
    for (const change of changes) {
      const firstActivation = change.event._tag === "WebKeyActivated" &&
        activeKeyId(set) === undefined
      const { payload, type } = webKeyAggregate.encode(change.event)
      pending.push({
        aggregate: {
          instanceId,
          type: webKeyAggregate.type,
          id: change.keyId,
          owner: keys.get(change.keyId)?.owner ?? instanceId,
          version: webKeyAggregate.version
        },
        type,
        payload,
        creator,
        createdAt: now,
        constraints: constraintsOf(change.keyId, change.event, firstActivation)
      })
      set = evolveSet(set, change)
    }

    const touched = new Set([...keys.keys(), ...changes.map((change) => change.keyId)])
    const expectations = [...touched].map((id) => ({
      aggregate: { instanceId, type: webKeyAggregate.type, id },
      sequence: keys.get(id)?.sequence ?? 0
    }))
    const stored = yield* store.append(pending, expectations)
    return detailsOfStored(stored, keyId)
  }).pipe(
    // lost the race for the first activation: decide again, the winner's key is active now
    Effect.catchIf(
      (error) => error._tag === "DomainError" && error.id === firstActivationErrorId,
      () =>
        Effect.fail(
          new ConcurrencyConflict({
            aggregate: { instanceId: caller.instanceId, type: webKeyAggregate.type, id: keyId },
            expected: 0,
            actual: 0
          })
        )
    )
  )

const run = (
  caller: Caller,
  keyId: string,
  decide: (keys: WebKeySet) => Either.Either<ReadonlyArray<WebKeyChange>, DomainError>
): Effect.Effect<ObjectDetails, DomainError | EventStoreError, EventStore | Clock> =>
  attempt(caller, keyId, decide).pipe(
    Effect.retry({
      schedule: Schedule.recurs(maxConflictRetries),
      while: (error) => error._tag === "ConcurrencyConflict"
    }),
    Effect.catchTag("ConcurrencyConflict", () =>
      Effect.fail(unavailable("EVENT-c0nfl1ct", "Errors.Internal", "web keys kept changing"))
    )
  )

/** A new key id and key pair of the config, the private half encrypted at rest. */
const generate = (config: WebKeyConfig) =>
  Effect.gen(function*() {
    const id = yield* IdGenerator.pipe(Effect.flatMap((ids) => ids.next))
    const pair = yield* KeyGenerator.pipe(Effect.flatMap((keys) => keys.generate(id, config)))
    const crypto = yield* Crypto
    const privateKey = yield* crypto.encrypt(pair.privateKey)
    return { id, config, privateKey, publicKey: pair.publicKey } satisfies NewWebKey
  })

type Ports = EventStore | Clock | IdGenerator | Crypto | KeyGenerator

export interface CreateWebKeyRequest extends Caller {
  /** RSA 2048 / SHA256 when absent, as ZITADEL's API defaults. */
  readonly config?: WebKeyConfig | undefined
}

export interface CreateWebKeyResult {
  readonly id: string
  readonly details: ObjectDetails
}

/**
 * Generates a key pair and adds it; the first key of an instance is activated at once. Fails
 * with InvalidArgument on a bad config, before anything is generated.
 */
export const createWebKey = (
  request: CreateWebKeyRequest
): Effect.Effect<CreateWebKeyResult, DomainError | EventStoreError, Ports> =>
  Effect.gen(function*() {
    const config = request.config ?? defaultConfig
    yield* validateConfig(config)
    const key = yield* generate(config)
    const details = yield* run(request, key.id, (keys) => decideCreate(keys, key))
    return { id: key.id, details }
  })

/**
 * The instance's first keys (ZITADEL's GenerateInitialWebKeys): two keys of the config, the
 * first one active. Writes nothing when the instance has a key already, so a restart, or a
 * second process starting at the same time, leaves one set of keys.
 */
export const generateInitialWebKeys = (
  caller: Caller,
  config: WebKeyConfig = defaultConfig
): Effect.Effect<ObjectDetails | undefined, DomainError | EventStoreError, Ports> =>
  Effect.gen(function*() {
    const keys = yield* loadAllAggregates(webKeyAggregate, caller.instanceId)
    if ([...keys.values()].some((key) => key.state.status !== "Removed")) return undefined
    const first = yield* generate(config)
    const second = yield* generate(config)
    const details = yield* run(caller, first.id, (set) => decideInitial(set, first, second))
    return details.sequence === 0 ? undefined : details
  })

export interface WebKeyRequest extends Caller {
  readonly id: string
}

/**
 * Makes the key the signing key and deactivates the previous one. Fails with NotFound
 * (`COMMAND-teiG3`) for a key that does not exist or was removed.
 */
export const activateWebKey = (
  request: WebKeyRequest
): Effect.Effect<ObjectDetails, DomainError | EventStoreError, EventStore | Clock> =>
  run(request, request.id, (keys) => decideActivate(keys, request.id))

/**
 * Removes an inactive key. Fails with PreconditionFailed (`COMMAND-Chai1`) for the active key;
 * an unknown key writes nothing and answers sequence 0.
 */
export const deleteWebKey = (
  request: WebKeyRequest
): Effect.Effect<ObjectDetails, DomainError | EventStoreError, EventStore | Clock> =>
  run(request, request.id, (keys) => decideDelete(keys, request.id))
