import { Effect, Either, Redacted, Schedule } from "effect"
import type { AggregateSpec } from "../kernel/aggregate.js"
import type { ObjectDetails } from "../kernel/details.js"
import { type DomainError, invalidArgument, unavailable } from "../kernel/errors.js"
import type { AggregateRef, PendingEvent } from "../kernel/event.js"
import { Clock } from "../ports/Clock.js"
import { Crypto } from "../ports/Crypto.js"
import { EventStore, type EventStoreError } from "../ports/EventStore.js"
import { IdGenerator } from "../ports/IdGenerator.js"
import { maxConflictRetries } from "../usecases/execute.js"
import { loadAggregate } from "../usecases/load.js"
import { instanceAggregate, type InstanceEvent, type InstanceState } from "./instance.js"
import { orgAggregate, type OrgEvent, type OrgState } from "./org.js"
import { Role } from "./permissions.js"
import { AccessTokenType, userAggregate, type UserEvent, type UserState } from "./user.js"

/**
 * The first start: one instance, its default org, a machine user `admin` in that org with a
 * personal access token, and that user as the instance's IAM_OWNER (and the org's ORG_OWNER),
 * in the order ZITADEL's instance setup writes them.
 *
 * The default instance has a fixed, well-known id rather than a generated one: a second
 * start (or a second process starting at the same time) must find the instance it would
 * create, and only a known id lets it look.
 */
export const defaultInstanceId = "default"

/** ZITADEL's expiry for a PAT created without one. */
export const patNeverExpires = new Date("9999-12-31T23:59:59Z")

/** The scopes ZITADEL gives a PAT. */
export const patDefaultScopes: ReadonlyArray<string> = [
  "openid",
  "urn:zitadel:iam:user:metadata",
  "urn:zitadel:iam:user:resourceowner"
]

/** Entropy of a PAT secret, in bytes. */
export const patSecretBytes = 32

// Decision ---------------------------------------------------------------------------------

export interface SetupDecisionInput {
  readonly instanceName: string
  /** The host of the external URL, without port. */
  readonly domain: string
  readonly orgId: string
  readonly orgName: string
  readonly userId: string
  readonly userName: string
  readonly name: string
  readonly tokenId: string
  readonly tokenHash: string
  readonly expiration: Date
  readonly scopes: ReadonlyArray<string>
}

export type SetupEvent =
  | { readonly aggregate: "instance"; readonly event: InstanceEvent }
  | { readonly aggregate: "org"; readonly event: OrgEvent }
  | { readonly aggregate: "user"; readonly event: UserEvent }

const onInstance = (event: InstanceEvent): SetupEvent => ({ aggregate: "instance", event })
const onOrg = (event: OrgEvent): SetupEvent => ({ aggregate: "org", event })
const onUser = (event: UserEvent): SetupEvent => ({ aggregate: "user", event })

/**
 * Decides the setup events. An instance that already exists yields no events, so running the
 * setup again changes nothing.
 */
export const decideSetup = (
  instance: InstanceState,
  input: SetupDecisionInput
): Either.Either<ReadonlyArray<SetupEvent>, DomainError> => {
  if (instance.status !== "unspecified") return Either.right([])

  const instanceName = input.instanceName.trim()
  const orgName = input.orgName.trim()
  const userName = input.userName.trim()
  const name = input.name.trim()
  const invalid = (id: string) => Either.left(invalidArgument(id, "Errors.Invalid.Argument"))
  // INST-n4m3x and INST-d0m4n are Citadel's ids: ZITADEL takes both values from validated config.
  if (instanceName === "") return invalid("INST-n4m3x")
  if (input.domain === "") return invalid("INST-d0m4n")
  if (orgName === "") return invalid("ORG-mruNY")
  if (name === "") return Either.left(invalidArgument("COMMAND-bs9Ds", "Errors.User.Invalid"))
  if (userName === "") return Either.left(invalidArgument("COMMAND-bm9Ds", "Errors.User.Invalid"))

  return Either.right([
    onInstance({ _tag: "InstanceAdded", name: instanceName }),
    onOrg({ _tag: "OrgAdded", name: orgName }),
    onInstance({ _tag: "DefaultOrgSet", orgId: input.orgId }),
    onUser({
      _tag: "MachineAdded",
      userName,
      name,
      description: "",
      accessTokenType: AccessTokenType.Bearer
    }),
    onUser({
      _tag: "PersonalAccessTokenAdded",
      tokenId: input.tokenId,
      expiration: input.expiration,
      scopes: input.scopes,
      tokenHash: input.tokenHash
    }),
    onOrg({ _tag: "OrgMemberAdded", userId: input.userId, roles: [Role.OrgOwner] }),
    onInstance({ _tag: "InstanceMemberAdded", userId: input.userId, roles: [Role.IamOwner] }),
    onInstance({ _tag: "InstanceDomainAdded", domain: input.domain, generated: false }),
    onInstance({ _tag: "InstanceDomainPrimarySet", domain: input.domain })
  ])
}

/** The host of an external URL such as `http://127.0.0.1:8080`, or undefined if it is none. */
export const domainOf = (externalUrl: string): string | undefined => {
  if (!URL.canParse(externalUrl)) return undefined
  const url = new URL(externalUrl)
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined
  return url.hostname === "" ? undefined : url.hostname
}

// Use case ---------------------------------------------------------------------------------

export interface SetupInstanceInput {
  /** Defaults to `defaultInstanceId`. */
  readonly instanceId?: string
  readonly instanceName: string
  /** Where clients reach the server, e.g. `http://127.0.0.1:8080`; its host becomes the domain. */
  readonly externalUrl: string
  readonly orgName: string
  readonly adminUserName: string
  /** The machine user's display name; defaults to its user name. */
  readonly adminName?: string
  /** Defaults to `patNeverExpires`. */
  readonly tokenExpiration?: Date
  /** Defaults to `patDefaultScopes`. */
  readonly tokenScopes?: ReadonlyArray<string>
}

export type SetupInstanceResult =
  | { readonly _tag: "AlreadySetUp"; readonly instanceId: string }
  | {
    readonly _tag: "SetUp"
    readonly instanceId: string
    readonly orgId: string
    readonly userId: string
    readonly tokenId: string
    /** The PAT; this is the only time it is available. */
    readonly token: Redacted.Redacted<string>
    readonly details: ObjectDetails
  }

interface Stream<S, E> {
  readonly spec: AggregateSpec<S, E>
  readonly ref: AggregateRef
  state: S
}

const pendingOf = <S, E>(
  stream: Stream<S, E>,
  event: E,
  createdAt: Date
): PendingEvent => {
  const { payload, type } = stream.spec.encode(event)
  const constraints = stream.spec.constraints(stream.state, event)
  stream.state = stream.spec.model.evolve(stream.state, event)
  return { aggregate: stream.ref, type, payload, creator: "SYSTEM", createdAt, constraints }
}

const attempt = (input: SetupInstanceInput) =>
  Effect.gen(function*() {
    const instanceId = input.instanceId ?? defaultInstanceId
    const loaded = yield* loadAggregate(instanceAggregate, instanceId, instanceId)
    if (loaded.state.status !== "unspecified") {
      return { _tag: "AlreadySetUp", instanceId } satisfies SetupInstanceResult
    }

    const domain = domainOf(input.externalUrl)
    if (domain === undefined) {
      // Citadel's id: ZITADEL reads its external domain from validated config.
      return yield* Effect.fail(invalidArgument("INST-3xtUr", "Errors.Invalid.Argument"))
    }

    const ids = yield* IdGenerator
    const orgId = yield* ids.next
    const userId = yield* ids.next
    const tokenId = yield* ids.next
    const crypto = yield* Crypto
    const token = yield* crypto.randomSecret(patSecretBytes)
    const tokenHash = yield* crypto.digest(token)
    const clock = yield* Clock
    const now = yield* clock.now

    const events = yield* decideSetup(loaded.state, {
      instanceName: input.instanceName,
      domain,
      orgId,
      orgName: input.orgName,
      userId,
      userName: input.adminUserName,
      name: input.adminName ?? input.adminUserName,
      tokenId,
      tokenHash,
      expiration: input.tokenExpiration ?? patNeverExpires,
      scopes: input.tokenScopes ?? patDefaultScopes
    })

    const instanceStream: Stream<InstanceState, InstanceEvent> = {
      spec: instanceAggregate,
      ref: { instanceId, type: "instance", id: instanceId, owner: instanceId, version: 1 },
      state: loaded.state
    }
    const orgStream: Stream<OrgState, OrgEvent> = {
      spec: orgAggregate,
      ref: { instanceId, type: "org", id: orgId, owner: orgId, version: 1 },
      state: orgAggregate.model.initial
    }
    const userStream: Stream<UserState, UserEvent> = {
      spec: userAggregate,
      ref: { instanceId, type: "user", id: userId, owner: orgId, version: 2 },
      state: userAggregate.model.initial
    }
    const pending = events.map((entry) => {
      switch (entry.aggregate) {
        case "instance":
          return pendingOf(instanceStream, entry.event, now)
        case "org":
          return pendingOf(orgStream, entry.event, now)
        case "user":
          return pendingOf(userStream, entry.event, now)
      }
    })

    const store = yield* EventStore
    const stored = yield* store.append(pending, [
      { aggregate: { instanceId, type: "instance", id: instanceId }, sequence: loaded.sequence },
      { aggregate: { instanceId, type: "org", id: orgId }, sequence: 0 },
      { aggregate: { instanceId, type: "user", id: userId }, sequence: 0 }
    ])

    const last = stored[stored.length - 1]!
    return {
      _tag: "SetUp",
      instanceId,
      orgId,
      userId,
      tokenId,
      token,
      details: {
        sequence: last.sequence,
        changeDate: last.createdAt,
        resourceOwner: orgId,
        position: last.position
      }
    } satisfies SetupInstanceResult
  })

/**
 * Sets up the instance unless it exists. Idempotent: when the instance is already there it
 * writes nothing and answers `AlreadySetUp`; when two callers race, the loser's append fails
 * on the instance's sequence, it looks again and answers `AlreadySetUp`.
 */
export const setupInstance = (
  input: SetupInstanceInput
): Effect.Effect<
  SetupInstanceResult,
  DomainError | EventStoreError,
  EventStore | Clock | Crypto | IdGenerator
> =>
  attempt(input).pipe(
    Effect.retry({
      schedule: Schedule.recurs(maxConflictRetries),
      while: (error) => error._tag === "ConcurrencyConflict"
    }),
    Effect.catchTag("ConcurrencyConflict", () =>
      Effect.fail(
        unavailable("EVENT-c0nfl1ct", "Errors.Internal", "instance setup kept conflicting")
      )
    )
  )
