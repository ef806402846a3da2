import {
  type DomainError,
  EventStore,
  Identity,
  origin,
  type PendingEvent,
  type StoredEvent
} from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as Auth from "../../packages/adapters/src/auth/index.js"
import * as SystemClock from "../../packages/adapters/src/clock/index.js"
import * as NodeCrypto from "../../packages/adapters/src/crypto/index.js"
import * as MemoryEventStore from "../../packages/adapters/src/eventstore/MemoryEventStore.js"
import * as SonyflakeIds from "../../packages/adapters/src/ids/index.js"
import { testDatabase } from "./database.js"

const start = new Date("2025-03-01T10:00:00.000Z")
const expiration = new Date("2025-06-01T00:00:00.000Z")

const Database = Layer.effectDiscard(
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    for (const projection of Auth.authProjections) {
      for (const statement of projection.init) yield* sql.unsafe(statement)
    }
  })
).pipe(Layer.provideMerge(testDatabase("auth")))

const Ports = Layer.mergeAll(
  MemoryEventStore.layer,
  NodeCrypto.layer(Redacted.make("0123456789abcdef0123456789abcdef")),
  SonyflakeIds.layer(),
  SystemClock.layerTest(start)
)

/** Every test gets a fresh event store and clock, and empty tables. */
const TestLayer = Auth.layer.pipe(Layer.provideMerge(Ports))

const resetTables = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  for (const projection of Auth.authProjections) {
    for (const table of projection.tables) yield* sql.unsafe(`DELETE FROM ${table}`)
  }
})

/** Feeds everything in the store to the projections, as the runner would. */
const project = Effect.gen(function*() {
  const store = yield* EventStore
  const events = yield* store.readAfter(origin, 10_000)
  yield* applyAll(events)
})

const applyAll = (events: ReadonlyArray<StoredEvent>) =>
  Effect.forEach(events, (event) =>
    Effect.forEach(
      Auth.authProjections.filter((p) => p.eventTypes.includes(event.type)),
      (projection) => projection.apply(event)
    ), { discard: true })

const setUp = Effect.gen(function*() {
  yield* resetTables
  const result = yield* Identity.setupInstance({
    instanceName: "Citadel",
    externalUrl: "http://127.0.0.1:8080",
    orgName: "Citadel",
    adminUserName: "admin",
    tokenExpiration: expiration
  })
  if (result._tag !== "SetUp") return yield* Effect.die("expected a fresh setup")
  yield* project
  return result
})

/** Appends user events by hand (the user commands are not written yet). */
const appendUserEvents = (
  userId: string,
  orgId: string,
  events: ReadonlyArray<Identity.UserEvent>
) =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const existing = yield* store.read({
      instanceId: "default",
      aggregateType: "user",
      aggregateIds: [userId]
    })
    const pending = events.map((event): PendingEvent => ({
      aggregate: { instanceId: "default", type: "user", id: userId, owner: orgId, version: 2 },
      ...Identity.userAggregate.encode(event),
      creator: "SYSTEM",
      createdAt: start,
      constraints: []
    }))
    const stored = yield* store.append(pending, [{
      aggregate: { instanceId: "default", type: "user", id: userId },
      sequence: existing.length
    }])
    yield* applyAll(stored)
  })

const authenticate = (token: string) =>
  Effect.flatMap(Auth.Authenticator, (auth) => auth.authenticate(Redacted.make(token)))

const expectUnauthenticated = (error: DomainError, id: string) =>
  expect({ kind: error.kind, id: error.id, message: error.message }).toEqual({
    kind: "Unauthenticated",
    id,
    message: "Errors.Token.Invalid"
  })

describe("Authenticator", () => {
  it.layer(Database, { timeout: 60_000 })((it) => {
    it.effect("authenticates the admin's token as IAM_OWNER", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        const principal = yield* authenticate(Redacted.value(setup.token))

        expect(principal).toMatchObject({
          instanceId: "default",
          userId: setup.userId,
          orgId: setup.orgId
        })
        expect(principal.permissions).toEqual(Identity.permissionsOf(["IAM_OWNER"]))
        const auth = yield* Auth.Authenticator
        yield* auth.requirePermission(principal, "action.target.write")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("accepts the token with its Bearer prefix", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        const principal = yield* authenticate(`Bearer ${Redacted.value(setup.token)}`)
        expect(principal.userId).toBe(setup.userId)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("rejects an unknown token", () =>
      Effect.gen(function*() {
        yield* setUp
        const error = yield* Effect.flip(authenticate("not-a-token-we-issued"))
        expectUnauthenticated(error, "APP-BxUSiL")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("rejects an empty token", () =>
      Effect.gen(function*() {
        yield* setUp
        const error = yield* Effect.flip(authenticate("Bearer  "))
        expectUnauthenticated(error, "APP-Reb32")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("rejects an expired token [at the expiry instant]", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        yield* SystemClock.TestClock.set(expiration)
        const error = yield* Effect.flip(authenticate(Redacted.value(setup.token)))
        expectUnauthenticated(error, "APP-k9KS0")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("rejects a removed token", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        yield* appendUserEvents(setup.userId, setup.orgId, [
          { _tag: "PersonalAccessTokenRemoved", tokenId: setup.tokenId }
        ])
        const error = yield* Effect.flip(authenticate(Redacted.value(setup.token)))
        expectUnauthenticated(error, "APP-BxUSiL")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("rejects the token of a deactivated user, and accepts it once reactivated", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        yield* appendUserEvents(setup.userId, setup.orgId, [{ _tag: "UserDeactivated" }])
        const error = yield* Effect.flip(authenticate(Redacted.value(setup.token)))
        expectUnauthenticated(error, "APP-BxUSiL")

        yield* appendUserEvents(setup.userId, setup.orgId, [{ _tag: "UserReactivated" }])
        const principal = yield* authenticate(Redacted.value(setup.token))
        expect(principal.userId).toBe(setup.userId)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("rejects the token of a locked user", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        yield* appendUserEvents(setup.userId, setup.orgId, [{ _tag: "UserLocked" }])
        const error = yield* Effect.flip(authenticate(Redacted.value(setup.token)))
        expectUnauthenticated(error, "APP-BxUSiL")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("rejects the token of a removed user and forgets the user's rows", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        yield* appendUserEvents(setup.userId, setup.orgId, [{ _tag: "UserRemoved" }])
        const error = yield* Effect.flip(authenticate(Redacted.value(setup.token)))
        expectUnauthenticated(error, "APP-BxUSiL")

        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ n: unknown }>`
          SELECT (SELECT count(*) FROM projections.personal_access_tokens)
            + (SELECT count(*) FROM projections.instance_members)
            + (SELECT count(*) FROM projections.users) AS n
        `
        expect(Number(rows[0]!.n)).toBe(0)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("authenticates a user without a role, who is then denied", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        yield* appendUserEvents("4242", setup.orgId, [
          {
            _tag: "MachineAdded",
            userName: "robot",
            name: "Robot",
            description: "",
            accessTokenType: 0
          },
          {
            _tag: "PersonalAccessTokenAdded",
            tokenId: "4243",
            expiration,
            scopes: [],
            tokenHash: NodeCrypto.digestHex(Redacted.make("robot-token"))
          }
        ])
        const auth = yield* Auth.Authenticator
        const principal = yield* authenticate("robot-token")
        const error = yield* Effect.flip(auth.requirePermission(principal, "action.target.read"))

        expect(principal).toMatchObject({ userId: "4242", orgId: setup.orgId })
        expect(principal.permissions.size).toBe(0)
        expect(error).toMatchObject({
          kind: "PermissionDenied",
          id: "AUTHZ-HKJD33",
          message: "Errors.PermissionDenied"
        })
      }).pipe(Effect.provide(TestLayer)))

    it.effect("follows member role changes [IAM_OWNER_VIEWER reads only]", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        const changed: StoredEvent = {
          aggregate: {
            instanceId: "default",
            type: "instance",
            id: "default",
            owner: "default",
            version: 1
          },
          type: "instance.member.changed",
          payload: { userId: setup.userId, roles: ["IAM_OWNER_VIEWER"] },
          creator: "SYSTEM",
          createdAt: start,
          sequence: 99,
          position: { position: 99, inTxOrder: 0 }
        }
        yield* applyAll([changed])
        const auth = yield* Auth.Authenticator
        const principal = yield* authenticate(Redacted.value(setup.token))

        yield* auth.requirePermission(principal, "action.target.read")
        const error = yield* Effect.flip(auth.requirePermission(principal, "action.target.write"))
        expect(error.id).toBe("AUTHZ-HKJD33")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("applies every event twice to the same rows", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        yield* project
        const sql = yield* SqlClient.SqlClient
        const tokens = yield* sql<{ token_hash: string; user_id: string }>`
          SELECT token_hash, user_id FROM projections.personal_access_tokens
        `
        const members = yield* sql<{ user_id: string }>`
          SELECT user_id FROM projections.instance_members
        `
        const users = yield* sql<{ user_name: string; state: unknown }>`
          SELECT user_name, state FROM projections.users
        `

        expect(tokens).toEqual([{
          token_hash: NodeCrypto.digestHex(setup.token),
          user_id: setup.userId
        }])
        expect(tokens[0]!.token_hash).not.toBe(Redacted.value(setup.token))
        expect(members).toEqual([{ user_id: setup.userId }])
        expect(users.map((u) => [u.user_name, Number(u.state)])).toEqual([["admin", 1]])
      }).pipe(Effect.provide(TestLayer)))
  })
})
