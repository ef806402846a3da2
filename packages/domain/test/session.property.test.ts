import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, FastCheck, Redacted } from "effect"
import * as Session from "../src/session/index.js"
import { MemoryEvents } from "./identityStore.js"
import {
  caller,
  instanceId,
  orgWithHuman,
  password,
  sessionTestLayer,
  TestClock
} from "./sessionSupport.js"

/** One step of a session's life: a password check (right or wrong), or a metadata change. */
type Step =
  | { readonly _tag: "password"; readonly right: boolean; readonly guess: string }
  | { readonly _tag: "metadata"; readonly value: string }

const step: FastCheck.Arbitrary<Step> = FastCheck.oneof(
  FastCheck.record({
    _tag: FastCheck.constant("password" as const),
    right: FastCheck.boolean(),
    guess: FastCheck.string({ maxLength: 12 })
  }),
  FastCheck.record({
    _tag: FastCheck.constant("metadata" as const),
    value: FastCheck.constantFrom("", "YQ==", "Yg==")
  })
)

describe("Session properties", () => {
  it.effect.prop(
    "a session never holds a password factor for a wrong password",
    [
      FastCheck.boolean(),
      FastCheck.array(step, { maxLength: 12 }),
      FastCheck.integer({ min: 0, max: 4 })
    ],
    ([checkAtCreate, steps, maxPasswordAttempts]) =>
      Effect.gen(function*() {
        const userId = yield* orgWithHuman("org-a", "ada")
        const created = yield* Effect.exit(Session.createSession({
          ...caller,
          userId,
          maxPasswordAttempts,
          ...(checkAtCreate ? { password: Redacted.make(`${password}x`) } : {})
        }))
        // a wrong password at creation leaves no session at all
        const sessions = (yield* MemoryEvents.all).filter((e) => e.aggregate.type === "session")
        if (checkAtCreate) {
          expect(Exit.isFailure(created)).toBe(true)
          expect(sessions).toEqual([])
          return
        }
        const { sessionId } = Exit.getOrElse(created, () => expect.fail("not created"))
        let rightChecks = 0
        for (const s of steps) {
          yield* TestClock.advance(1_000)
          const before = (yield* Session.loadSession(instanceId, sessionId)).state
          const secret = s._tag === "password"
            ? (s.right ? password : s.guess === password ? `${password}!` : s.guess)
            : undefined
          const exit = yield* Effect.exit(Session.setSession({
            ...caller,
            sessionId,
            maxPasswordAttempts,
            credential: callerWithWrite,
            ...(secret === undefined ? {} : { password: Redacted.make(secret) }),
            ...(s._tag === "metadata" ? { metadata: { k: s.value } } : {})
          }))
          const after = (yield* Session.loadSession(instanceId, sessionId)).state
          if (s._tag === "password" && !s.right) {
            expect(Exit.isFailure(exit)).toBe(true)
            expect(after).toEqual(before)
          }
          if (s._tag === "password" && s.right && Exit.isSuccess(exit)) rightChecks += 1
          if (Exit.isSuccess(exit) && s._tag === "password") {
            expect(after.passwordCheckedAt?.getTime()).toBeGreaterThan(
              before.passwordCheckedAt?.getTime() ?? 0
            )
          }
        }
        const final = (yield* Session.loadSession(instanceId, sessionId)).state
        expect(final.passwordCheckedAt !== undefined).toBe(rightChecks > 0)
        const checked = (yield* MemoryEvents.all).filter((e) =>
          e.aggregate.id === sessionId && e.type === "session.password.checked"
        )
        expect(checked).toHaveLength(rightChecks)
      }).pipe(Effect.provide(sessionTestLayer)),
    { fastCheck: { numRuns: 50 } }
  )
})

const callerWithWrite: Session.SessionCredential = {
  _tag: "Caller",
  userId: "admin",
  may: (permission) => permission === "session.write"
}
