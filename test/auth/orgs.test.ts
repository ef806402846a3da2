import {
  Crypto,
  type DomainError,
  EventStore,
  Identity,
  Org,
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
import * as ReadModels from "../../packages/adapters/src/readmodels/index.js"
import * as PgliteClient from "../../packages/adapters/src/sql/PgliteClient.js"
import * as Postgres from "../support/postgres.js"

const start = new Date("2025-03-01T10:00:00.000Z")
const instanceId = "default"

/** PGlite by default; with DATABASE_URL, a fresh PostgreSQL database named `org_…`. */
const sqlLayer: Layer.Layer<SqlClient.SqlClient, unknown> = Postgres.databaseUrl === undefined
  ? PgliteClient.layer()
  : Postgres.layer("org")

const Database = Layer.effectDiscard(
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    for (const projection of Auth.authProjections) {
      for (const statement of projection.init) yield* sql.unsafe(statement)
    }
  })
).pipe(Layer.provideMerge(sqlLayer))

const Ports = Layer.mergeAll(
  MemoryEventStore.layer,
  NodeCrypto.layer(Redacted.make("0123456789abcdef0123456789abcdef")),
  SonyflakeIds.layer(),
  SystemClock.layerTest(start)
)

const TestLayer = Auth.layer.pipe(Layer.provideMerge(Ports))

const resetTables = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  for (const projection of Auth.authProjections) {
    for (const table of projection.tables) yield* sql.unsafe(`DELETE FROM ${table}`)
  }
})

let projectedUpTo = origin

/** Feeds the store's new events to the auth projections, as the runner would. */
const project = Effect.gen(function*() {
  const store = yield* EventStore
  const events = yield* store.readAfter(projectedUpTo, 10_000)
  yield* applyAll(events)
  projectedUpTo = events.at(-1)?.position ?? projectedUpTo
})

const applyAll = (events: ReadonlyArray<StoredEvent>) =>
  Effect.forEach(events, (event) =>
    Effect.forEach(
      Auth.authProjections.filter((p) => p.eventTypes.includes(event.type)),
      (projection) => projection.apply(event)
    ), { discard: true })

const setUp = Effect.gen(function*() {
  yield* resetTables
  projectedUpTo = origin
  const result = yield* Identity.setupInstance({
    instanceName: "Citadel",
    externalUrl: "http://127.0.0.1:8080",
    orgName: "Citadel",
    adminUserName: "admin"
  })
  if (result._tag !== "SetUp") return yield* Effect.die("expected a fresh setup")
  yield* project
  return result
})

const caller = (creator: string) => ({ instanceId, creator })

/** A machine user with a token in the given org, written as the user events. */
const addUser = (userId: string, orgId: string, token: string) =>
  Effect.gen(function*() {
    const crypto = yield* Crypto
    const store = yield* EventStore
    const tokenHash = yield* crypto.digest(Redacted.make(token))
    const events: ReadonlyArray<Identity.UserEvent> = [
      {
        _tag: "MachineAdded",
        userName: userId,
        name: userId,
        description: "",
        accessTokenType: Identity.AccessTokenType.Bearer
      },
      {
        _tag: "PersonalAccessTokenAdded",
        tokenId: `${userId}-pat`,
        expiration: Identity.patNeverExpires,
        scopes: Identity.patDefaultScopes,
        tokenHash
      }
    ]
    const pending = events.map((event): PendingEvent => ({
      aggregate: { instanceId, type: "user", id: userId, owner: orgId, version: 2 },
      ...Identity.userAggregate.encode(event),
      creator: "SYSTEM",
      createdAt: start,
      constraints: []
    }))
    yield* store.append(pending, [{
      aggregate: { instanceId, type: "user", id: userId },
      sequence: 0
    }])
    yield* project
  })

const authenticate = (token: string) =>
  Effect.flatMap(Auth.Authenticator, (auth) => auth.authenticate(Redacted.make(token)))

const expectRefused = (error: DomainError) =>
  expect({ kind: error.kind, id: error.id, message: error.message }).toEqual({
    kind: "Unauthenticated",
    id: "APP-BxUSiL",
    message: "Errors.Token.Invalid"
  })

const orgRows = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ id: string; name: string; state: unknown }>`
    SELECT id, name, state FROM projections.orgs ORDER BY name
  `.pipe(Effect.map((rows) => rows.map((r) => ({ ...r, state: Number(r.state) })))))

const memberRows = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ org_id: string; user_id: string; roles: unknown }>`
    SELECT org_id, user_id, roles FROM projections.org_members ORDER BY org_id, user_id
  `.pipe(Effect.map((rows) =>
    rows.map((r) => ({
      orgId: r.org_id,
      userId: r.user_id,
      roles: typeof r.roles === "string" ? JSON.parse(r.roles) : r.roles
    }))
  )))

const search = (request: ReadModels.SearchOrgsRequest) =>
  Effect.map(ReadModels.searchOrgs(instanceId, request), (page) => ({
    total: page.totalResult,
    names: page.result.map((org) => org.name)
  }))

describe("Org read models and authentication", () => {
  it.layer(Database, { timeout: 60_000 })((it) => {
    it.effect("projects the default org and its owner, and grants ORG_OWNER there", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        expect(yield* orgRows).toEqual([{ id: setup.orgId, name: "Citadel", state: 1 }])
        expect(yield* memberRows).toEqual([
          { orgId: setup.orgId, userId: setup.userId, roles: ["ORG_OWNER"] }
        ])

        const principal = yield* authenticate(Redacted.value(setup.token))
        expect(principal.orgPermissions).toEqual(
          new Map([[setup.orgId, Identity.permissionsOf(["ORG_OWNER"])]])
        )
        yield* Identity.requirePermissionIn(principal, setup.orgId, "org.write")
        expect(principal.orgPermissions.get(setup.orgId)?.has("org.create")).toBe(false)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("gives an org owner permissions in their org only", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        const acme = yield* Org.createOrganization({
          ...caller(setup.userId),
          name: "ACME",
          admins: []
        })
        yield* addUser("owner-1", acme.id, "owner-token")
        yield* Org.addOrganizationMember({
          ...caller(setup.userId),
          id: acme.id,
          userId: "owner-1",
          roles: ["ORG_OWNER"]
        })
        yield* project

        const principal = yield* authenticate("owner-token")
        expect(principal.orgId).toBe(acme.id)
        expect(principal.permissions.size).toBe(0)
        expect([...principal.orgPermissions.keys()]).toEqual([acme.id])
        yield* Identity.requirePermissionIn(principal, acme.id, "org.delete")
        const denied = yield* Effect.flip(
          Identity.requirePermissionIn(principal, setup.orgId, "org.read")
        )
        expect(denied.kind).toBe("PermissionDenied")

        yield* Org.changeOrganizationMember({
          ...caller(setup.userId),
          id: acme.id,
          userId: "owner-1",
          roles: ["ORG_OWNER_VIEWER"]
        })
        yield* project
        expect((yield* memberRows).find((m) => m.userId === "owner-1")?.roles)
          .toEqual(["ORG_OWNER_VIEWER"])

        yield* Org.removeOrganizationMember({
          ...caller(setup.userId),
          id: acme.id,
          userId: "owner-1"
        })
        yield* project
        expect((yield* authenticate("owner-token")).orgPermissions.size).toBe(0)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("locks users out of a deactivated org, and lets them in once reactivated", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        yield* Org.deactivateOrganization({ ...caller(setup.userId), id: setup.orgId })
        yield* project
        expect((yield* orgRows)[0]!.state).toBe(2)
        expectRefused(yield* Effect.flip(authenticate(Redacted.value(setup.token))))

        yield* Org.activateOrganization({ ...caller("SYSTEM"), id: setup.orgId })
        yield* project
        expect((yield* orgRows)[0]!.state).toBe(1)
        const principal = yield* authenticate(Redacted.value(setup.token))
        expect(principal.userId).toBe(setup.userId)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("locks users out of a removed org and drops its members", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        const acme = yield* Org.createOrganization({
          ...caller(setup.userId),
          name: "ACME",
          admins: [{ userId: setup.userId, roles: [] }]
        })
        yield* addUser("worker", acme.id, "worker-token")
        expect((yield* authenticate("worker-token")).orgId).toBe(acme.id)

        yield* Org.deleteOrganization({ ...caller(setup.userId), id: acme.id })
        yield* project
        expectRefused(yield* Effect.flip(authenticate("worker-token")))
        expect(yield* orgRows).toEqual([
          { id: acme.id, name: "ACME", state: 3 },
          { id: setup.orgId, name: "Citadel", state: 1 }
        ])
        expect((yield* memberRows).map((m) => m.orgId)).toEqual([setup.orgId])
        expect(yield* search({})).toEqual({ total: 1, names: ["Citadel"] })
        const admin = yield* authenticate(Redacted.value(setup.token))
        expect([...admin.orgPermissions.keys()]).toEqual([setup.orgId])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("drops a removed user's memberships", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        const store = yield* EventStore
        const user = { instanceId, type: "user", id: setup.userId }
        const existing = yield* store.read({
          instanceId,
          aggregateType: "user",
          aggregateIds: [setup.userId]
        })
        yield* store.append([{
          aggregate: { instanceId, type: "user", id: setup.userId, owner: setup.orgId, version: 2 },
          ...Identity.userAggregate.encode({ _tag: "UserRemoved" }),
          creator: "SYSTEM",
          createdAt: start,
          constraints: []
        }], [{ aggregate: user, sequence: existing.length }])
        yield* project
        expect(yield* memberRows).toEqual([])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("applies every org event idempotently", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        const acme = yield* Org.createOrganization({
          ...caller(setup.userId),
          name: "ACME",
          admins: [{ userId: setup.userId, roles: [] }]
        })
        yield* Org.updateOrganization({ ...caller(setup.userId), id: acme.id, name: "Acme Inc" })
        yield* Org.deactivateOrganization({ ...caller(setup.userId), id: acme.id })
        yield* project
        const rows = yield* orgRows
        const members = yield* memberRows
        const store = yield* EventStore
        yield* applyAll(yield* store.readAfter(origin, 10_000))
        expect(yield* orgRows).toEqual(rows)
        expect(yield* memberRows).toEqual(members)
        expect(rows.find((r) => r.id === acme.id))
          .toEqual({ id: acme.id, name: "Acme Inc", state: 2 })
      }).pipe(Effect.provide(TestLayer)))

    it.effect("searches orgs with filters, sorting, paging and visibility", () =>
      Effect.gen(function*() {
        const setup = yield* setUp
        const ids: Record<string, string> = {}
        for (const name of ["Alpha", "Beta", "Gamma_1", "Gammax", "Delta"]) {
          const created = yield* Org.createOrganization({
            ...caller(setup.userId),
            name,
            admins: []
          })
          ids[name] = created.id
        }
        yield* Org.deactivateOrganization({ ...caller(setup.userId), id: ids["Delta"]! })
        yield* project

        const byName = { sortingColumn: "name" as const, asc: true }
        expect(yield* search(byName)).toEqual({
          total: 6,
          names: ["Alpha", "Beta", "Citadel", "Delta", "Gamma_1", "Gammax"]
        })
        expect(yield* search({ ...byName, limit: 2, offset: 2 }))
          .toEqual({ total: 6, names: ["Citadel", "Delta"] })
        expect(yield* search({ ...byName, limit: 2, offset: 10 })).toEqual({ total: 6, names: [] })
        expect(yield* search({ sortingColumn: "name", asc: false, limit: 1 }))
          .toEqual({ total: 6, names: ["Gammax"] })
        expect(yield* search({
          ...byName,
          filters: [{ _tag: "OrgName", name: "gamma_", method: "startsWithIgnoreCase" }]
        })).toEqual({ total: 1, names: ["Gamma_1"] })
        expect(yield* search({
          ...byName,
          filters: [{ _tag: "OrgName", name: "BETA", method: "equalsIgnoreCase" }]
        })).toEqual({ total: 1, names: ["Beta"] })
        expect(yield* search({ ...byName, filters: [{ _tag: "OrgState", state: 2 }] }))
          .toEqual({ total: 1, names: ["Delta"] })
        expect(yield* search({ ...byName, filters: [{ _tag: "OrgId", id: ids["Alpha"]! }] }))
          .toEqual({ total: 1, names: ["Alpha"] })
        expect(yield* search({ ...byName, visibleOrgIds: [ids["Beta"]!, setup.orgId] }))
          .toEqual({ total: 2, names: ["Beta", "Citadel"] })
        expect(yield* search({ ...byName, visibleOrgIds: [] })).toEqual({ total: 0, names: [] })

        const tooMany = yield* Effect.flip(search({ limit: 1001 }))
        expect(tooMany).toMatchObject({ kind: "InvalidArgument", id: "QUERY-4M0fs" })
      }).pipe(Effect.provide(TestLayer)))
  })
})
