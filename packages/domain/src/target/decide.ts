import { Duration, Either, Option } from "effect"
import {
  alreadyExists,
  type DomainError,
  invalidArgument,
  notFound
} from "../kernel/errors.js"
import type { CryptoValue } from "../ports/Crypto.js"
import {
  isPayloadType,
  isTargetType,
  PayloadType,
  TargetType,
  type TargetChanged,
  type TargetEvent
} from "./events.js"
import { exists, type TargetState } from "./state.js"

/** `CreateTargetRequest.name`: `max_len: 1000` in ZITADEL's `action/v2` proto. */
export const maxNameLength = 1000
/** `CreateTargetRequest.endpoint`: `max_len: 2048`. */
export const maxEndpointLength = 2048
/** `CreateTargetRequest.timeout`: `lte: {seconds: 270}`, "4.5 minutes". */
export const maxTimeout: Duration.Duration = Duration.seconds(270)

export interface AddTargetInput {
  readonly instanceId: string
  readonly name: string
  readonly targetType: TargetType
  readonly endpoint: string
  readonly timeout: Duration.Duration
  /** Ignored (false) for async targets, which nobody waits for. */
  readonly interruptOnError: boolean
  readonly payloadType: PayloadType
  /** The new target's signing key, already encrypted. */
  readonly signingKey: CryptoValue
}

export interface ChangeTargetInput {
  readonly instanceId: string
  readonly id: string
  readonly name?: string | undefined
  readonly targetType?: TargetType | undefined
  readonly endpoint?: string | undefined
  readonly timeout?: Duration.Duration | undefined
  readonly interruptOnError?: boolean | undefined
  /** `Unspecified` (or absent) leaves the payload type as it is, as ZITADEL's API does. */
  readonly payloadType?: PayloadType | undefined
  /** A freshly generated, encrypted signing key: present only when the key is rotated. */
  readonly signingKey?: CryptoValue | undefined
}

export interface RemoveTargetInput {
  readonly instanceId: string
  readonly id: string
}

type Validation = Either.Either<void, DomainError>

const ok: Validation = Either.void

const firstFailure = (...checks: ReadonlyArray<() => Validation>): Validation => {
  for (const check of checks) {
    const result = check()
    if (Either.isLeft(result)) return result
  }
  return ok
}

const checkName = (name: string, emptyId: string): Validation =>
  name === ""
    ? Either.left(invalidArgument(emptyId, "Errors.Target.Invalid", "name is empty"))
    : [...name].length > maxNameLength
    ? Either.left(
      invalidArgument(
        "TARGET-nAm3Lx",
        "Errors.Target.Invalid",
        `name is longer than ${maxNameLength} characters`
      )
    )
    : ok

const checkTimeout = (timeout: Duration.Duration, zeroId: string): Validation => {
  const nanos = Duration.toNanos(timeout)
  if (Option.isSome(nanos) && nanos.value <= 0n) {
    return Either.left(invalidArgument(zeroId, "Errors.Target.NoTimeout", "timeout must be > 0"))
  }
  return Option.isNone(nanos) || Duration.greaterThan(timeout, maxTimeout)
    ? Either.left(
      invalidArgument(
        "TARGET-t1m30t",
        "Errors.Target.Invalid",
        `timeout must be at most ${Duration.format(maxTimeout)}`
      )
    )
    : ok
}

const isAbsoluteHttpUrl = (endpoint: string): boolean => {
  if (!URL.canParse(endpoint)) return false
  const url = new URL(endpoint)
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== ""
}

const checkEndpoint = (endpoint: string, invalidId: string): Validation =>
  endpoint.length <= maxEndpointLength && isAbsoluteHttpUrl(endpoint)
    ? ok
    : Either.left(
      invalidArgument(
        invalidId,
        "Errors.Target.InvalidURL",
        `endpoint must be an absolute http(s) URL of at most ${maxEndpointLength} characters`
      )
    )

const checkTargetType = (targetType: unknown): Validation =>
  isTargetType(targetType) ? ok : Either.left(
    invalidArgument("TARGET-tYp3x9", "Errors.Target.Invalid", "target type is not known")
  )

const checkPayloadType = (payloadType: unknown): Validation =>
  isPayloadType(payloadType) ? ok : Either.left(
    invalidArgument("TARGET-pAy10d", "Errors.Target.Invalid", "payload type is not known")
  )

const idMissing = (id: string) => Either.left(invalidArgument(id, "Errors.IDMissing"))

/** The input checks of AddTarget, in ZITADEL's order; they need no state. */
export const validateAdd = (input: Omit<AddTargetInput, "signingKey">): Validation =>
  firstFailure(
    () => input.instanceId === "" ? idMissing("COMMAND-brml926e2d") : ok,
    () => checkName(input.name, "COMMAND-ddqbm9us5p"),
    () => checkTimeout(input.timeout, "COMMAND-39f35d8uri"),
    () => checkEndpoint(input.endpoint, "COMMAND-1r2k6qo6wg"),
    () => checkTargetType(input.targetType),
    () => checkPayloadType(input.payloadType)
  )

/** The input checks of ChangeTarget, in ZITADEL's order; absent fields are not checked. */
export const validateChange = (input: Omit<ChangeTargetInput, "signingKey">): Validation =>
  firstFailure(
    () => input.instanceId === "" ? idMissing("COMMAND-zqibgg0wwh") : ok,
    () => input.id === "" ? idMissing("COMMAND-1l6ympeagp") : ok,
    () => input.name === undefined ? ok : checkName(input.name, "COMMAND-d1wx4lm0zr"),
    () => input.timeout === undefined ? ok : checkTimeout(input.timeout, "COMMAND-08b39vdi57"),
    () => input.endpoint === undefined ? ok : checkEndpoint(input.endpoint, "COMMAND-jsbaera7b6"),
    () => input.targetType === undefined ? ok : checkTargetType(input.targetType),
    () => input.payloadType === undefined ? ok : checkPayloadType(input.payloadType)
  )

export const validateRemove = (input: RemoveTargetInput): Validation =>
  input.instanceId === "" || input.id === "" ? idMissing("COMMAND-obqos2l3no") : ok

/** Nanoseconds of a validated (finite, at most 270 s) timeout; exact as a JS number. */
const toNanos = (timeout: Duration.Duration): number => Number(Duration.unsafeToNanos(timeout))

type Decision = Either.Either<ReadonlyArray<TargetEvent>, DomainError>

export const addTarget = (state: TargetState, input: AddTargetInput): Decision =>
  Either.flatMap(validateAdd(input), (): Decision => {
    if (exists(state)) {
      return Either.left(alreadyExists("INSTANCE-9axkz0jvzm", "Errors.Target.AlreadyExists"))
    }
    return Either.right([{
      _tag: "TargetAdded",
      name: input.name,
      targetType: input.targetType,
      endpoint: input.endpoint,
      timeout: toNanos(input.timeout),
      interruptOnError: input.targetType === TargetType.Async ? false : input.interruptOnError,
      signingKey: input.signingKey,
      payloadType: input.payloadType
    }])
  })

/**
 * Emits `target.changed` with only the fields that differ from the state; nothing when nothing
 * differs and no new key was supplied.
 */
export const changeTarget = (state: TargetState, input: ChangeTargetInput): Decision =>
  Either.flatMap(validateChange(input), (): Decision => {
    if (!exists(state)) {
      return Either.left(notFound("COMMAND-xj14f2cccn", "Errors.Target.NotFound"))
    }
    const targetType = input.targetType ?? state.targetType
    // an async target is never waited for, so it cannot interrupt anything
    const interruptOnError = targetType === TargetType.Async
      ? false
      : input.interruptOnError ?? state.interruptOnError
    const timeout = input.timeout === undefined ? state.timeout : toNanos(input.timeout)
    const payloadType = input.payloadType === undefined ||
        input.payloadType === PayloadType.Unspecified
      ? state.payloadType
      : input.payloadType

    const changed: Omit<TargetChanged, "_tag"> = {
      ...(input.name !== undefined && input.name !== state.name ? { name: input.name } : {}),
      ...(targetType !== state.targetType ? { targetType } : {}),
      ...(input.endpoint !== undefined && input.endpoint !== state.endpoint
        ? { endpoint: input.endpoint }
        : {}),
      ...(timeout !== state.timeout ? { timeout } : {}),
      ...(interruptOnError !== state.interruptOnError ? { interruptOnError } : {}),
      ...(input.signingKey !== undefined ? { signingKey: input.signingKey } : {}),
      ...(payloadType !== state.payloadType ? { payloadType } : {})
    }
    return Object.keys(changed).length === 0
      ? Either.right([])
      : Either.right([{ _tag: "TargetChanged", ...changed }])
  })

/** Removing a target that does not exist (or no longer exists) succeeds without an event. */
export const removeTarget = (state: TargetState, input: RemoveTargetInput): Decision =>
  Either.flatMap(
    validateRemove(input),
    (): Decision => exists(state) ? Either.right([{ _tag: "TargetRemoved" }]) : Either.right([])
  )
