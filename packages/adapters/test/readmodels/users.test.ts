import { Identity, type StoredEvent } from "@citadel/domain"
import * as Reactivity from "@effect/experimental/Reactivity"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option, Redacted } from "effect"
import { getUser, searchUsers, type UserFilter } from "../../src/readmodels/userQueries.js"
import { Users2Projection } from "../../src/readmodels/users.js"
import * as PgliteClient from "../../src/sql/PgliteClient.js"
import { applyAll, at, reset } from "./support.js"

/** PGlite, or with DATABASE_URL a fresh `usr_` database on that server, dropped afterwards. */
const database = () => {
  const url = process.env["DATABASE_URL"]
  if (url === undefined || url === "") return PgliteClient.layer()
  return Layer.unwrapScoped(Effect.gen(function*() {
    const admin = yield* PgClient.make({ url: Redacted.make(url) })
    const name = `usr_users_${process.pid}`
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

const projections = [Users2Projection]
const layer = Layer.effectDiscard(Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  for (const statement of Users2Projection.init) yield* sql.unsafe(statement)
})).pipe(Layer.provideMerge(database()))

let position = 0
const sequences = new Map<string, number>()

const event = (
  userId: string,
  owner: string,
  minute: number,
  user: Identity.UserEvent
): StoredEvent => {
  const { payload, type } = Identity.userAggregate.encode(user)
  const sequence = (sequences.get(userId) ?? 0) + 1
  sequences.set(userId, sequence)
  position += 1
  return {
    aggregate: { instanceId: "inst1", type: "user", id: userId, owner, version: 2 },
    type,
    payload,
    creator: "admin",
    createdAt: at(minute),
    sequence,
    position: { position, inTxOrder: 0 }
  }
}

const human = (userName: string, firstName: string, email: string): Identity.UserEvent => ({
  _tag: "HumanAdded",
  userName,
  firstName,
  lastName: "Doe",
  nickName: "",
  displayName: `${firstName} Doe`,
  preferredLanguage: "en",
  gender: Identity.Gender.Diverse,
  email,
  phone: "",
  encodedHash: "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA",
  changeRequired: false
})

const seed = () => {
  sequences.clear()
  return applyAll(projections, [
    event("u1", "orgA", 1, human("ada", "Ada", "ada@example.com")),
    event("u1", "orgA", 2, { _tag: "HumanEmailVerified" }),
    event("u2", "orgA", 3, human("bob_100%", "Bob", "bob@example.org")),
    event("u3", "orgB", 4, {
      _tag: "MachineAdded",
      userName: "robot",
      name: "Robot",
      description: "builds",
      accessTokenType: 1
    }),
    event("u3", "orgB", 5, { _tag: "MachineSecretSet", hashedSecret: "$argon2id$secret" }),
    event("u2", "orgA", 6, { _tag: "UserLocked" }),
    event("u4", "orgB", 7, human("gone", "Gone", "gone@example.com")),
    event("u4", "orgB", 8, { _tag: "UserRemoved" })
  ])
}

const ids = (filters: ReadonlyArray<UserFilter>, extra: object = {}) =>
  Effect.map(
    searchUsers("inst1", { filters, asc: true, ...extra }),
    (page) => page.result.map((u) => u.id)
  )

describe("users2 read model", () => {
  it.layer(layer)((it) => {
    it.effect("projects humans and machines without hashes", () =>
      Effect.gen(function*() {
        yield* reset(projections)
        yield* seed()
        const ada = Option.getOrThrow(yield* getUser("inst1", "u1"))
        expect(ada).toEqual({
          id: "u1",
          resourceOwner: "orgA",
          creationDate: at(1),
          changeDate: at(2),
          sequence: 2,
          state: 1,
          type: 1,
          userName: "ada",
          human: {
            firstName: "Ada",
            lastName: "Doe",
            nickName: "",
            displayName: "Ada Doe",
            preferredLanguage: "en",
            gender: 3,
            email: "ada@example.com",
            isEmailVerified: true,
            phone: "",
            isPhoneVerified: false,
            passwordSet: true,
            passwordChangeRequired: false,
            passwordChanged: at(1)
          }
        })
        const robot = Option.getOrThrow(yield* getUser("inst1", "u3"))
        expect(robot.machine).toEqual({
          name: "Robot",
          description: "builds",
          accessTokenType: 1,
          hasSecret: true
        })
        expect(JSON.stringify(robot)).not.toContain("argon2")
        expect(Option.isNone(yield* getUser("inst1", "u4"))).toBe(true)
        expect(Option.isNone(yield* getUser("other", "u1"))).toBe(true)
        expect((yield* getUser("inst1", "u2")).pipe(Option.map((u) => u.state)))
          .toEqual(Option.some(4))
      }))

    it.effect("applies an event twice with the same result", () =>
      Effect.gen(function*() {
        yield* reset(projections)
        sequences.clear()
        const added = event("u1", "orgA", 1, human("ada", "Ada", "ada@example.com"))
        const verified = event("u1", "orgA", 2, { _tag: "HumanEmailVerified" })
        yield* applyAll(projections, [added, verified, added, verified])
        const ada = Option.getOrThrow(yield* getUser("inst1", "u1"))
        expect([ada.sequence, ada.human?.isEmailVerified]).toEqual([2, true])
      }))

    it.effect("filters by text, state, type, org and ids", () =>
      Effect.gen(function*() {
        yield* reset(projections)
        yield* seed()
        expect(yield* ids([{ _tag: "UserName", value: "ADA", method: "equalsIgnoreCase" }]))
          .toEqual(["u1"])
        expect(yield* ids([{ _tag: "UserName", value: "bob_100%", method: "equals" }]))
          .toEqual(["u2"])
        expect(yield* ids([{ _tag: "UserName", value: "_1", method: "contains" }])).toEqual(["u2"])
        expect(yield* ids([{ _tag: "UserName", value: "%", method: "endsWith" }])).toEqual(["u2"])
        expect(yield* ids([{ _tag: "Email", value: ".org", method: "endsWith" }])).toEqual(["u2"])
        expect(yield* ids([{ _tag: "FirstName", value: "a", method: "startsWithIgnoreCase" }]))
          .toEqual(["u1"])
        expect(yield* ids([{ _tag: "DisplayName", value: "doe", method: "containsIgnoreCase" }]))
          .toEqual(["u1", "u2"])
        expect(yield* ids([{ _tag: "LastName", value: "Doe", method: "equals" }]))
          .toEqual(["u1", "u2"])
        expect(yield* ids([{ _tag: "NickName", value: "", method: "equals" }]))
          .toEqual(["u1", "u2", "u3"])
        expect(yield* ids([{ _tag: "State", state: 4 }])).toEqual(["u2"])
        expect(yield* ids([{ _tag: "Type", type: 2 }])).toEqual(["u3"])
        expect(yield* ids([{ _tag: "Organization", orgId: "orgA" }])).toEqual(["u1", "u2"])
        expect(yield* ids([{ _tag: "InUserIds", ids: ["u3", "u1", "nope"] }])).toEqual(["u1", "u3"])
        expect(yield* ids([{ _tag: "InUserIds", ids: [] }])).toEqual([])
        expect(yield* ids([
          { _tag: "Organization", orgId: "orgA" },
          { _tag: "State", state: 1 }
        ])).toEqual(["u1"])
      }))

    it.effect("pages, sorts and restricts to what the caller may see", () =>
      Effect.gen(function*() {
        yield* reset(projections)
        yield* seed()
        const page = yield* searchUsers("inst1", { limit: 2, offset: 1, asc: true })
        expect([page.totalResult, page.appliedLimit, page.result.map((u) => u.id)])
          .toEqual([3, 2, ["u2", "u3"]])
        expect(yield* ids([], { sortingColumn: "userName", asc: false })).toEqual(["u3", "u2", "u1"])
        const past = yield* searchUsers("inst1", { offset: 10 })
        expect([past.totalResult, past.result]).toEqual([3, []])
        expect(yield* ids([], { visibility: { _tag: "Restricted", orgIds: ["orgB"], self: "u1" } }))
          .toEqual(["u1", "u3"])
        expect(yield* ids([], { visibility: { _tag: "Restricted", orgIds: [], self: "u2" } }))
          .toEqual(["u2"])
        const tooMany = yield* Effect.exit(searchUsers("inst1", { limit: 1001 }))
        expect(Exit.isFailure(tooMany)).toBe(true)
      }))
  })
})
