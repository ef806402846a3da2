import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Redacted } from "effect"
import { DomainError } from "../src/kernel/index.js"
import * as Session from "../src/session/index.js"
import * as User from "../src/user/index.js"
import { MemoryEvents } from "./identityStore.js"
import {
  caller,
  deactivateOrg,
  instanceId,
  orgWithHuman,
  password,
  sessionTestLayer,
  start,
  TestClock
} from "./sessionSupport.js"

const wrong = Redacted.make("wrong-password")
const right = Redacted.make(password)

const failureOf = <A, E>(exit: Exit.Exit<A, E>) => {
  if (Exit.isSuccess(exit)) return expect.fail("expected a failure")
  const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (!(error instanceof DomainError)) return expect.fail(`expected a DomainError`)
  return { kind: error.kind, id: error.id, message: error.message }
}

const sessionEvents = (sessionId: string) =>
  Effect.map(MemoryEvents.all, (all) =>
    all.filter((e) => e.aggregate.type === "session" && e.aggregate.id === sessionId))

const userEventTypes = (userId: string) =>
  Effect.map(MemoryEvents.all, (all) =>
    all.filter((e) => e.aggregate.type === "user" && e.aggregate.id === userId).map((e) => e.type))

const tokenOf = (changed: Session.SessionChanged) => {
  if (changed.sessionToken === undefined) return expect.fail("expected a token")
  return changed.sessionToken
}

describe("createSession", () => {
  it.effect("creates a session checked with user and password, owned by the instance", () =>
    Effect.gen(function*() {
      const userId = yield* orgWithHuman("org-a", "ada")
      const created = yield* Session.createSession({
        ...caller,
        userId,
        password: right,
        metadata: { k: "dg==" },
        lifetime: 3_600_000_000_000,
        userAgent: { fingerprint_id: "fp-1" }
      })
      const token = Redacted.value(tokenOf(created))
      expect(token).toBe("session-secret-0")
      const events = yield* sessionEvents(created.sessionId)
      expect(events.map((e) => [e.type, e.payload])).toEqual([
        ["session.added", { user_agent: { fingerprint_id: "fp-1" } }],
        ["session.user.checked", {
          userID: userId,
          userResourceOwner: "org-a",
          checkedAt: start.toISOString(),
          preferredLanguage: "en"
        }],
        ["session.password.checked", { checkedAt: start.toISOString() }],
        ["session.metadata.set", { metadata: { k: "dg==" } }],
        ["session.lifetime.set", { lifetime: 3_600_000_000_000 }],
        ["session.token.set", { tokenID: expect.any(String), tokenHash: `digest(${token})` }]
      ])
      expect(events.every((e) => e.aggregate.owner === instanceId && e.creator === "admin"))
        .toBe(true)
      expect(JSON.stringify(events)).not.toContain(`"${token}"`)
      expect(yield* userEventTypes(userId)).toContain("user.human.password.check.succeeded")
      expect(created.details.resourceOwner).toBe(instanceId)
    }).pipe(Effect.provide(sessionTestLayer)))

  it.effect("a wrong password fails, is counted on the user, and writes no session", () =>
    Effect.gen(function*() {
      const userId = yield* orgWithHuman("org-a", "ada")
      const exit = yield* Effect.exit(Session.createSession({ ...caller, userId, password: wrong }))
      expect(failureOf(exit)).toEqual({
        kind: "InvalidArgument",
        id: "COMMAND-3M0fs",
        message: "Errors.User.Password.Invalid"
      })
      expect((yield* MemoryEvents.all).filter((e) => e.aggregate.type === "session")).toEqual([])
      expect((yield* User.loadUser(instanceId, userId)).state.failedPasswordChecks).toBe(1)
    }).pipe(Effect.provide(sessionTestLayer)))

  it.effect("locks the user at the limit, after which no session can start", () =>
    Effect.gen(function*() {
      const userId = yield* orgWithHuman("org-a", "ada")
      const attempt = (secret: Redacted.Redacted<string>) =>
        Effect.exit(Session.createSession({
          ...caller,
          userId,
          password: secret,
          maxPasswordAttempts: 2
        }))
      expect(failureOf(yield* attempt(wrong)).id).toBe("COMMAND-3M0fs")
      expect(failureOf(yield* attempt(wrong))).toEqual({
        kind: "PreconditionFailed",
        id: "COMMAND-SFA3t",
        message: "Errors.User.Locked"
      })
      expect(yield* userEventTypes(userId)).toEqual(expect.arrayContaining(["user.locked"]))
      for (const exit of [yield* attempt(right), yield* Effect.exit(
        Session.createSession({ ...caller, userId })
      )]) {
        expect(failureOf(exit)).toEqual({
          kind: "PreconditionFailed",
          id: "SESSION-Gj4ko",
          message: "Errors.User.NotActive"
        })
      }
      expect((yield* MemoryEvents.all).filter((e) => e.aggregate.type === "session")).toEqual([])
    }).pipe(Effect.provide(sessionTestLayer)))

  it.effect("refuses a deactivated user, a missing user and a user of an inactive org", () =>
    Effect.gen(function*() {
      const ada = yield* orgWithHuman("org-a", "ada")
      const bob = yield* orgWithHuman("org-b", "bob")
      yield* User.deactivateUser({ ...caller, userId: ada })
      yield* deactivateOrg("org-b")
      const refusal = (userId: string) =>
        Effect.map(Effect.exit(Session.createSession({ ...caller, userId })), failureOf)
      expect((yield* refusal(ada)).id).toBe("SESSION-Gj4ko")
      expect(yield* refusal("nobody")).toEqual({
        kind: "NotFound",
        id: "QUERY-Dfbg2",
        message: "Errors.User.NotFound"
      })
      expect(yield* refusal(bob)).toEqual({
        kind: "PreconditionFailed",
        id: "SESSION-0rgIn",
        message: "Errors.Org.NotActive"
      })
    }).pipe(Effect.provide(sessionTestLayer)))

  it.effect("refuses a password without a user before hashing anything", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Session.createSession({ ...caller, password: right }))
      expect(failureOf(exit).id).toBe("COMMAND-Sfw3f")
      expect(yield* MemoryEvents.all).toEqual([])
    }).pipe(Effect.provide(sessionTestLayer)))
})

describe("setSession", () => {
  it.effect("adds a password check with the token and rotates it", () =>
    Effect.gen(function*() {
      const userId = yield* orgWithHuman("org-a", "ada")
      const created = yield* Session.createSession({ ...caller, userId })
      const first = tokenOf(created)
      const set = yield* Session.setSession({
        ...caller,
        sessionId: created.sessionId,
        credential: { _tag: "Token", token: first },
        password: right
      })
      const second = tokenOf(set)
      expect(Redacted.value(second)).not.toBe(Redacted.value(first))
      const state = (yield* Session.loadSession(instanceId, created.sessionId)).state
      expect(state.passwordCheckedAt).toEqual(start)
      // the first token no longer works
      const stale = yield* Effect.exit(Session.setSession({
        ...caller,
        sessionId: created.sessionId,
        credential: { _tag: "Token", token: first },
        metadata: { k: "dg==" }
      }))
      expect(failureOf(stale)).toEqual({
        kind: "PermissionDenied",
        id: "COMMAND-sGr42",
        message: "Errors.Session.Token.Invalid"
      })
    }).pipe(Effect.provide(sessionTestLayer)))

  it.effect("checks the token before the password: a bad token counts no failure", () =>
    Effect.gen(function*() {
      const userId = yield* orgWithHuman("org-a", "ada")
      const created = yield* Session.createSession({ ...caller, userId })
      const exit = yield* Effect.exit(Session.setSession({
        ...caller,
        sessionId: created.sessionId,
        credential: { _tag: "Token", token: Redacted.make("guess") },
        password: wrong
      }))
      expect(failureOf(exit).id).toBe("COMMAND-sGr42")
      expect(yield* userEventTypes(userId)).not.toContain("user.human.password.check.failed")
    }).pipe(Effect.provide(sessionTestLayer)))

  it.effect("returns no token and writes nothing when nothing changes", () =>
    Effect.gen(function*() {
      const created = yield* Session.createSession(caller)
      const before = (yield* sessionEvents(created.sessionId)).length
      const set = yield* Session.setSession({
        ...caller,
        sessionId: created.sessionId,
        credential: { _tag: "Token", token: tokenOf(created) }
      })
      expect(set.sessionToken).toBeUndefined()
      expect((yield* sessionEvents(created.sessionId)).length).toBe(before)
    }).pipe(Effect.provide(sessionTestLayer)))

  it.effect("refuses an expired session", () =>
    Effect.gen(function*() {
      const created = yield* Session.createSession({ ...caller, lifetime: 1_000_000_000 })
      yield* TestClock.advance(1_001)
      const exit = yield* Effect.exit(Session.setSession({
        ...caller,
        sessionId: created.sessionId,
        credential: { _tag: "Token", token: tokenOf(created) },
        metadata: { k: "dg==" }
      }))
      expect(failureOf(exit)).toEqual({
        kind: "PreconditionFailed",
        id: "COMMAND-Hkl3d",
        message: "Errors.Session.Expired"
      })
    }).pipe(Effect.provide(sessionTestLayer)))
})

describe("terminateSession", () => {
  it.effect("terminates with the token, then is idempotent", () =>
    Effect.gen(function*() {
      const created = yield* Session.createSession(caller)
      const credential = { _tag: "Token", token: tokenOf(created) } as const
      const request = { ...caller, sessionId: created.sessionId, credential }
      const first = yield* Session.terminateSession(request)
      const second = yield* Session.terminateSession(request)
      expect(second.sequence).toBe(first.sequence)
      const types = (yield* sessionEvents(created.sessionId)).map((e) => e.type)
      expect(types.filter((t) => t === "session.terminated")).toHaveLength(1)
    }).pipe(Effect.provide(sessionTestLayer)))
})
