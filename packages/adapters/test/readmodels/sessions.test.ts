import { Identity, Session, type StoredEvent } from "@citadel/domain"
import * as Reactivity from "@effect/experimental/Reactivity"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option, Redacted } from "effect"
import { getSession, searchSessions } from "../../src/readmodels/sessionQueries.js"
import { SessionsProjection } from "../../src/readmodels/sessions.js"
import { Users2Projection } from "../../src/readmodels/users.js"
import * as PgliteClient from "../../src/sql/PgliteClient.js"
import { applyAll, at, reset } from "./support.js"

/** PGlite, or with DATABASE_URL a fresh `sess_` database on that server, dropped afterwards. */
const database = () => {
  const url = process.env["DATABASE_URL"]
  if (url === undefined || url === "") return PgliteClient.layer()
  return Layer.unwrapScoped(Effect.gen(function*() {
    const admin = yield* PgClient.make({ url: Redacted.make(url) })
    const name = `sess_readmodel_${process.pid}`
    yield* admin`DROP DATABASE IF EXISTS ${admin(name)}`
    yield* admin`CREATE DATABASE ${admin(name)}`
    yield* Effect.addFinalizer(() =>
      Effect.orDie(admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`)
    )
    const target = new URL(url)
    target.pathname = `/${name}`
    return PgClient.layer({ url: Redacted.make(target.toString()), maxConnections: 2 })
  })).pipe(Layer.provide(Reactivity.layer))
}

const projections = [SessionsProjection, Users2Projection]
const layer = Layer.effectDiscard(Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  for (const p of projections) for (const statement of p.init) yield* sql.unsafe(statement)
})).pipe(Layer.provideMerge(database()))

const instance = "inst1"
let position = 0
const sequences = new Map<string, number>()

const stored = (
  type: string,
  id: string,
  owner: string,
  creator: string,
  minute: number,
  encoded: { readonly type: string; readonly payload: StoredEvent["payload"] }
): StoredEvent => {
  const sequence = (sequences.get(`${type}/${id}`) ?? 0) + 1
  sequences.set(`${type}/${id}`, sequence)
  position += 1
  return {
    aggregate: { instanceId: instance, type, id, owner, version: 1 },
    ...encoded,
    creator,
    createdAt: at(minute),
    sequence,
    position: { position, inTxOrder: 0 }
  }
}

const session = (id: string, minute: number, event: Session.SessionEvent, creator = "admin") =>
  stored("session", id, instance, creator, minute, Session.sessionAggregate.encode(event))

const user = (id: string, org: string, minute: number, event: Identity.UserEvent) =>
  stored("user", id, org, "admin", minute, Identity.userAggregate.encode(event))

const adaAdded = user("ada", "org-a", 0, {
  _tag: "HumanAdded",
  userName: "ada@example.com",
  firstName: "Ada",
  lastName: "Lovelace",
  nickName: "",
  displayName: "Ada Lovelace",
  preferredLanguage: "en",
  gender: 0,
  email: "ada@example.com",
  phone: "",
  encodedHash: "$argon2id$x",
  changeRequired: false
})

const fullSession = (id: string, minute: number, creator = "admin") => [
  session(id, minute, {
    _tag: "SessionAdded",
    user_agent: { fingerprint_id: "fp-1", ip: "1.2.3.4", description: "firefox", header: {
      "accept-language": ["en", "de"]
    } }
  }, creator),
  session(id, minute, {
    _tag: "UserChecked",
    userID: "ada",
    userResourceOwner: "org-a",
    checkedAt: at(minute)
  }, creator),
  session(id, minute, { _tag: "PasswordChecked", checkedAt: at(minute) }, creator),
  session(id, minute, { _tag: "MetadataSet", metadata: { k: "dg==" } }, creator),
  session(id, minute, { _tag: "LifetimeSet", lifetime: 3_600_000_000_000 }, creator),
  session(id, minute, { _tag: "TokenSet", tokenID: "t1", tokenHash: "h1" }, creator)
]

describe("projections.sessions", () => {
  it.layer(layer)((it) => {
    it.effect("shows a session with its factors, user agent, metadata and expiration", () =>
      Effect.gen(function*() {
        yield* reset(projections)
        yield* applyAll(projections, [adaAdded, ...fullSession("s1", 5)])
        const found = Option.getOrThrow(yield* getSession(instance, "s1"))
        expect(found).toEqual({
          id: "s1",
          creationDate: at(5),
          changeDate: at(5),
          sequence: 6,
          state: 1,
          resourceOwner: instance,
          creator: "admin",
          user: {
            id: "ada",
            resourceOwner: "org-a",
            checkedAt: at(5),
            loginName: "ada@example.com",
            displayName: "Ada Lovelace"
          },
          passwordCheckedAt: at(5),
          metadata: { k: "dg==" },
          userAgent: {
            fingerprintId: "fp-1",
            ip: "1.2.3.4",
            description: "firefox",
            header: { "accept-language": ["en", "de"] }
          },
          expiration: at(65),
          tokenHash: "h1"
        })
        expect(Option.isNone(yield* getSession("other-instance", "s1"))).toBe(true)
      }))

    it.effect("a bare session has no user and no factors", () =>
      Effect.gen(function*() {
        yield* reset(projections)
        yield* applyAll(projections, [session("s2", 1, { _tag: "SessionAdded" })])
        const found = Option.getOrThrow(yield* getSession(instance, "s2"))
        expect(found.user).toBeUndefined()
        expect(found.passwordCheckedAt).toBeUndefined()
        expect(found.userAgent).toEqual({
          fingerprintId: undefined,
          ip: undefined,
          description: undefined,
          header: undefined
        })
        expect(found.expiration).toBeUndefined()
        expect(found.metadata).toEqual({})
      }))

    it.effect("drops terminated sessions; a changed password clears the password factor", () =>
      Effect.gen(function*() {
        yield* reset(projections)
        yield* applyAll(projections, [
          adaAdded,
          ...fullSession("s1", 1),
          ...fullSession("s2", 2),
          session("s1", 3, { _tag: "Terminated" }),
          user("ada", "org-a", 4, { _tag: "HumanPasswordChanged", encodedHash: "$argon2id$y", changeRequired: false })
        ])
        expect(Option.isNone(yield* getSession(instance, "s1"))).toBe(true)
        const s2 = Option.getOrThrow(yield* getSession(instance, "s2"))
        expect(s2.passwordCheckedAt).toBeUndefined()
        expect(s2.user?.id).toBe("ada")
      }))

    it.effect("applying an event twice changes nothing", () =>
      Effect.gen(function*() {
        yield* reset(projections)
        const events = fullSession("s1", 1)
        yield* applyAll(projections, events)
        const once = yield* getSession(instance, "s1")
        yield* applyAll(projections, events)
        expect(yield* getSession(instance, "s1")).toEqual(once)
      }))

    it.effect("searches by ids, user, creator, fingerprint and dates, pages and sorts", () =>
      Effect.gen(function*() {
        yield* reset(projections)
        yield* applyAll(projections, [
          adaAdded,
          ...fullSession("s1", 1, "admin"),
          ...fullSession("s2", 2, "other"),
          session("s3", 3, { _tag: "SessionAdded", user_agent: { fingerprint_id: "fp-3" } }, "other")
        ])
        const ids = (page: { readonly result: ReadonlyArray<{ readonly id: string }> }) =>
          page.result.map((s) => s.id)
        const search = (request: Parameters<typeof searchSessions>[1]) =>
          searchSessions(instance, request)

        const all = yield* search({})
        expect(ids(all)).toEqual(["s3", "s2", "s1"])
        expect(all.totalResult).toBe(3)
        expect(ids(yield* search({ asc: true, limit: 2 }))).toEqual(["s1", "s2"])
        const second = yield* search({ asc: true, limit: 2, offset: 2 })
        expect([ids(second), second.totalResult]).toEqual([["s3"], 3])
        expect((yield* search({ offset: 10 })).totalResult).toBe(3)

        expect(ids(yield* search({ filters: [{ _tag: "Ids", ids: ["s1", "s3"] }] })))
          .toEqual(["s3", "s1"])
        expect(ids(yield* search({ filters: [{ _tag: "Ids", ids: [] }] }))).toEqual([])
        expect(ids(yield* search({ filters: [{ _tag: "UserId", userId: "ada" }] })))
          .toEqual(["s2", "s1"])
        expect(ids(yield* search({ filters: [{ _tag: "Creator", creator: "other" }] })))
          .toEqual(["s3", "s2"])
        expect(ids(yield* search({
          filters: [{ _tag: "UserAgentFingerprint", fingerprintId: "fp-3" }]
        }))).toEqual(["s3"])
        expect(ids(yield* search({
          filters: [{ _tag: "CreationDate", date: at(2), method: "greaterOrEquals" }]
        }))).toEqual(["s3", "s2"])
        expect(ids(yield* search({
          filters: [{ _tag: "CreationDate", date: at(2), method: "less" }]
        }))).toEqual(["s1"])
        expect(ids(yield* search({
          filters: [{ _tag: "CreationDate", date: at(2), method: "equals" }]
        }))).toEqual(["s2"])
        // s1 expires at minute 61, s2 at 62, s3 never
        expect(ids(yield* search({
          filters: [{ _tag: "ExpirationDate", date: at(61), method: "greater" }]
        }))).toEqual(["s3", "s2"])
        expect(ids(yield* search({
          filters: [{ _tag: "ExpirationDate", date: at(61), method: "lessOrEquals" }]
        }))).toEqual(["s1"])
        expect(ids(yield* search({
          filters: [{ _tag: "UserId", userId: "ada" }, { _tag: "Creator", creator: "admin" }]
        }))).toEqual(["s1"])
      }))

    it.effect("shows a restricted caller its own sessions and those of its orgs only", () =>
      Effect.gen(function*() {
        yield* reset(projections)
        yield* applyAll(projections, [
          adaAdded,
          ...fullSession("s1", 1, "admin"),
          session("s2", 2, { _tag: "SessionAdded" }, "me"),
          session("s3", 3, { _tag: "SessionAdded" }, "admin")
        ])
        const ids = (orgIds: ReadonlyArray<string>, self = "me") =>
          Effect.map(
            searchSessions(instance, { visibility: { _tag: "Restricted", self, orgIds } }),
            (page) => [page.result.map((s) => s.id), page.totalResult]
          )
        expect(yield* ids([])).toEqual([["s2"], 1])
        expect(yield* ids(["org-a"])).toEqual([["s2", "s1"], 2])
        expect(yield* ids([], "ada")).toEqual([["s1"], 1])
      }))

    it.effect("refuses a limit above the maximum and an unknown sorting column", () =>
      Effect.gen(function*() {
        const tooMany = yield* Effect.exit(searchSessions(instance, { limit: 1001 }))
        expect(Exit.isFailure(tooMany)).toBe(true)
        const badSort = yield* Effect.exit(
          searchSessions(instance, { sortingColumn: "id" as "creationDate" })
        )
        expect(badSort).toEqual(Exit.fail(expect.objectContaining({
          kind: "InvalidArgument",
          message: "List.Query.Invalid"
        })))
      }))
  })
})
