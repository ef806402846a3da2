import { Effect, type Redacted } from "effect"
import type { ObjectDetails } from "../kernel/details.js"
import type { DomainError } from "../kernel/errors.js"
import type { Clock } from "../ports/Clock.js"
import { Crypto } from "../ports/Crypto.js"
import type { EventStore, EventStoreError } from "../ports/EventStore.js"
import { IdGenerator } from "../ports/IdGenerator.js"
import { execute } from "../usecases/execute.js"
import { targetAggregate } from "./aggregate.js"
import {
  addTarget,
  type AddTargetInput,
  changeTarget,
  type ChangeTargetInput,
  removeTarget,
  type RemoveTargetInput,
  validateAdd,
  validateChange,
  validateRemove
} from "./decide.js"

/** Entropy of a target signing key (HMAC-SHA256 key for `X-ZITADEL-Signature`). */
export const signingKeyBytes = 32

/** Who asks: the instance the target lives in and the user writing the events. */
export interface Caller {
  readonly instanceId: string
  readonly creator: string
}

export type CreateTargetRequest = Caller & Omit<AddTargetInput, "instanceId" | "signingKey">

export interface CreateTargetResult {
  readonly id: string
  readonly details: ObjectDetails
  /** The plaintext signing key; it is shown once and never again. */
  readonly signingKey: Redacted.Redacted<string>
}

const newSigningKey = Effect.gen(function*() {
  const crypto = yield* Crypto
  const plaintext = yield* crypto.randomSecret(signingKeyBytes)
  const encrypted = yield* crypto.encrypt(plaintext)
  return { plaintext, encrypted }
})

/**
 * Creates a target with a fresh id and a fresh signing key. Fails with InvalidArgument on bad
 * input (before anything is generated or read) and with AlreadyExists when the name is taken.
 */
export const createTarget = (
  request: CreateTargetRequest
): Effect.Effect<
  CreateTargetResult,
  DomainError | EventStoreError,
  EventStore | Clock | IdGenerator | Crypto
> =>
  Effect.gen(function*() {
    const { creator, ...fields } = request
    yield* validateAdd(fields)

    const id = yield* IdGenerator.pipe(Effect.flatMap((ids) => ids.next))
    const key = yield* newSigningKey

    const details = yield* execute({
      aggregate: targetAggregate,
      instanceId: request.instanceId,
      aggregateId: id,
      owner: request.instanceId,
      creator,
      decide: (state) => addTarget(state, { ...fields, signingKey: key.encrypted })
    })
    return { id, details, signingKey: key.plaintext }
  })

export type UpdateTargetRequest = Caller & Omit<ChangeTargetInput, "instanceId" | "signingKey"> & {
  /** Rotate the signing key now (ZITADEL only implements an immediate expiration). */
  readonly expirationSigningKey?: boolean | undefined
}

export interface UpdateTargetResult {
  readonly details: ObjectDetails
  /** The new plaintext signing key, only when it was rotated. */
  readonly signingKey: Redacted.Redacted<string> | undefined
}

/**
 * Changes the given fields of a target; unchanged input writes nothing. Fails with NotFound
 * when the target does not exist, InvalidArgument on bad input, AlreadyExists on a taken name.
 */
export const updateTarget = (
  request: UpdateTargetRequest
): Effect.Effect<UpdateTargetResult, DomainError | EventStoreError, EventStore | Clock | Crypto> =>
  Effect.gen(function*() {
    const { creator, expirationSigningKey, ...fields } = request
    yield* validateChange(fields)

    const key = expirationSigningKey === true ? yield* newSigningKey : undefined

    const details = yield* execute({
      aggregate: targetAggregate,
      instanceId: request.instanceId,
      aggregateId: request.id,
      owner: request.instanceId,
      creator,
      decide: (state) => changeTarget(state, { ...fields, signingKey: key?.encrypted })
    })
    return { details, signingKey: key?.plaintext }
  })

export type DeleteTargetRequest = Caller & Omit<RemoveTargetInput, "instanceId">

/** Removes a target; an unknown or already removed id succeeds without writing anything. */
export const deleteTarget = (
  request: DeleteTargetRequest
): Effect.Effect<ObjectDetails, DomainError | EventStoreError, EventStore | Clock> =>
  Effect.gen(function*() {
    const { creator, ...fields } = request
    yield* validateRemove(fields)

    return yield* execute({
      aggregate: targetAggregate,
      instanceId: request.instanceId,
      aggregateId: request.id,
      owner: request.instanceId,
      creator,
      decide: (state) => removeTarget(state, fields)
    })
  })
