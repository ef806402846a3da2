import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Redacted } from "effect"
import { DomainError } from "../src/kernel/index.js"
import { User } from "../src/index.js"
import { MemoryEvents } from "./identityStore.js"
import { addOrg, instanceId, now, orgId, orgLifecycle, userTestLayer } from "./userSupport.js"

const caller = { instanceId, creator: "admin" }

const addAda = (password = "Password1!") =>
  User.addHumanUser({
    ...caller,
    orgId,
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    password: Redacted.make(password)
  })

const failure = <A, E>(exit: Exit.Exit<A, E>) => {
  if (Exit.isSuccess(exit)) return expect.fail("expected a failure")
  const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (!(error instanceof DomainError)) return expect.fail(`expected a DomainError`)
  return { kind: error.kind, id: error.id, message: error.message }
}

const typesOf = Effect.map(MemoryEvents.all, (events) => events.map((e) => e.type))

describe("User use cases", () => {
  it.effect("adds a human with a hashed password, named after its email", () =>
    Effect.gen(function*() {
      yield* addOrg(orgId)
      const added = yield* addAda()
      expect(added.userId).toBe("100")
      expect(added.details.resourceOwner).toBe(orgId)
      const events = yield* MemoryEvents.all
      const human = events.find((e) => e.type === "user.human.added")!
      expect(human.aggregate).toEqual({ instanceId, type: "user", id: "100", owner: orgId, version: 2 })
      expect(human.payload).toEqual({
        userName: "ada@example.com",
        firstName: "Ada",
        lastName: "Lovelace",
        nickName: "",
        displayName: "Ada Lovelace",
        preferredLanguage: "",
        gender: 0,
        email: "ada@example.com",
        phone: "",
        encodedHash: "$fake$Password1!",
        changeRequired: false
      })
    }).pipe(Effect.provide(userTestLayer)))

  it.effect("refuses a weak password before writing anything", () =>
    Effect.gen(function*() {
      yield* addOrg(orgId)
      expect(failure(yield* Effect.exit(addAda("password")))).toEqual({
        kind: "InvalidArgument",
        id: "DOMAIN-VoaRj",
        message: "Errors.User.PasswordComplexityPolicy.HasUpper"
      })
      expect(yield* typesOf).toEqual(["org.added"])
    }).pipe(Effect.provide(userTestLayer)))

  it.effect("imports a bcrypt hash as it is and refuses an unknown format", () =>
    Effect.gen(function*() {
      yield* addOrg(orgId)
      const hash = "$2a$04$W0jyWUPjZAzxWUvyJRC0WejoK02Wt2mFK8qyxbMJ8nhoNcUYcrQdq"
      const request = {
        ...caller,
        orgId,
        firstName: "Ada",
        lastName: "Lovelace",
        email: "ada@example.com"
      }
      yield* User.addHumanUser({ ...request, hashedPassword: hash })
      const events = yield* MemoryEvents.all
      expect(events.at(-1)!.payload).toMatchObject({ encodedHash: hash })
      expect(failure(yield* Effect.exit(User.addHumanUser({
        ...request,
        userName: "other",
        hashedPassword: "md5:abc"
      })))).toEqual({
        kind: "InvalidArgument",
        id: "USER-h4sh1",
        message: "Errors.User.Password.HashUnsupported"
      })
    }).pipe(Effect.provide(userTestLayer)))

  it.effect("refuses a user in an org that does not exist", () =>
    Effect.gen(function*() {
      expect(failure(yield* Effect.exit(addAda()))).toEqual({
        kind: "PreconditionFailed",
        id: "USER-0rgN0t",
        message: "Errors.Org.NotFound"
      })
    }).pipe(Effect.provide(userTestLayer)))

  // Login looks user names up ignoring case, so uniqueness ignores it too.
  for (const [variant, userName] of [["", "ada@example.com"], [" [other case]", "ADA@Example.com"]]) {
    it.effect(`keeps user names unique across the orgs of the instance${variant}`, () =>
      Effect.gen(function*() {
        yield* addOrg(orgId)
        yield* addOrg("org2")
        yield* addAda()
        const exit = yield* Effect.exit(User.addMachineUser({
          ...caller,
          orgId: "org2",
          userName: userName!,
          name: "Robot"
        }))
        expect(failure(exit)).toEqual({
          kind: "AlreadyExists",
          id: "V3-DKcYh",
          message: "Errors.User.AlreadyExists"
        })
      }).pipe(Effect.provide(userTestLayer)))
  }

  it.effect("refuses sign-in in a deactivated or removed org, and writes once removed", () =>
    Effect.gen(function*() {
      yield* addOrg(orgId)
      const { userId } = yield* addAda()
      yield* User.setPassword({ ...caller, userId, password: Redacted.make("Newpass1!") })

      yield* orgLifecycle(orgId, "OrgDeactivated")
      const inactive = yield* Effect.exit(
        User.checkPassword(instanceId, userId, Redacted.make("Newpass1!"))
      )
      expect(failure(inactive)).toEqual({
        kind: "PreconditionFailed",
        id: "USER-0rgIn",
        message: "Errors.Org.NotActive"
      })

      yield* orgLifecycle(orgId, "OrgRemoved")
      const removed = yield* Effect.exit(
        User.checkPassword(instanceId, userId, Redacted.make("Newpass1!"))
      )
      expect(failure(removed)).toEqual({
        kind: "NotFound",
        id: "COMMAND-3n77z",
        message: "Errors.User.NotFound"
      })
      const written = yield* Effect.exit(
        User.setPassword({ ...caller, userId, password: Redacted.make("Other1pass!") })
      )
      expect(failure(written)).toEqual({
        kind: "NotFound",
        id: "COMMAND-3n77z",
        message: "Errors.User.NotFound"
      })
    }).pipe(Effect.provide(userTestLayer)))

  it.effect("sets a password, hashed, and checks it", () =>
    Effect.gen(function*() {
      yield* addOrg(orgId)
      const { userId } = yield* addAda()
      yield* User.setPassword({ ...caller, userId, password: Redacted.make("Newpass1!") })
      const checked = yield* User.checkPassword(instanceId, userId, Redacted.make("Newpass1!"))
      expect(checked.userId).toBe(userId)
      expect(checked.resourceOwner).toBe(orgId)
      expect(checked.checkedAt).toEqual(now)
      expect((yield* typesOf).slice(-2)).toEqual([
        "user.human.password.changed",
        "user.human.password.check.succeeded"
      ])
    }).pipe(Effect.provide(userTestLayer)))

  it.effect("locks the user after N failed checks, then refuses even the right password", () =>
    Effect.gen(function*() {
      yield* addOrg(orgId)
      const { userId } = yield* addAda()
      const wrong = () =>
        Effect.exit(User.checkPassword(instanceId, userId, Redacted.make("wrong"), {
          maxPasswordAttempts: 3
        }))
      const invalid = {
        kind: "InvalidArgument",
        id: "COMMAND-3M0fs",
        message: "Errors.User.Password.Invalid"
      }
      expect(failure(yield* wrong())).toEqual(invalid)
      expect(failure(yield* wrong())).toEqual(invalid)
      expect(failure(yield* wrong())).toEqual({
        kind: "PreconditionFailed",
        id: "COMMAND-SFA3t",
        message: "Errors.User.Locked"
      })
      const right = yield* Effect.exit(User.checkPassword(instanceId, userId, Redacted.make("Password1!")))
      expect(failure(right)).toEqual({
        kind: "PreconditionFailed",
        id: "COMMAND-JLK35",
        message: "Errors.User.Locked"
      })
      expect((yield* typesOf).slice(2)).toEqual([
        "user.human.password.check.failed",
        "user.human.password.check.failed",
        "user.human.password.check.failed",
        "user.locked"
      ])

      yield* User.unlockUser({ ...caller, userId })
      yield* User.checkPassword(instanceId, userId, Redacted.make("Password1!"))
    }).pipe(Effect.provide(userTestLayer)))

  it.effect("locks after 5 failures by default", () =>
    Effect.gen(function*() {
      yield* addOrg(orgId)
      const { userId } = yield* addAda()
      for (let i = 0; i < 5; i++) {
        yield* Effect.exit(User.checkPassword(instanceId, userId, Redacted.make("nope")))
      }
      expect((yield* typesOf).filter((t) => t === "user.locked")).toHaveLength(1)
      expect((yield* typesOf).filter((t) => t.endsWith("check.failed"))).toHaveLength(5)
    }).pipe(Effect.provide(userTestLayer)))

  it.effect("refuses a deactivated user without recording a check", () =>
    Effect.gen(function*() {
      yield* addOrg(orgId)
      const { userId } = yield* addAda()
      yield* User.deactivateUser({ ...caller, userId })
      const exit = yield* Effect.exit(User.checkPassword(instanceId, userId, Redacted.make("Password1!")))
      expect(failure(exit)).toEqual({
        kind: "PreconditionFailed",
        id: "COMMAND-1nact",
        message: "Errors.User.NotActive"
      })
      expect((yield* typesOf).at(-1)).toBe("user.deactivated")
    }).pipe(Effect.provide(userTestLayer)))

  it.effect("gives a machine a PAT and a secret, storing only digests and hashes", () =>
    Effect.gen(function*() {
      yield* addOrg(orgId)
      const { userId } = yield* User.addMachineUser({
        ...caller,
        orgId,
        userName: "robot",
        name: "Robot"
      })
      const pat = yield* User.addPersonalAccessToken({ ...caller, userId })
      expect(Redacted.value(pat.token)).toBe("secret-0")
      const secret = yield* User.setMachineSecret({ ...caller, userId })
      expect(Redacted.value(secret.clientSecret)).toBe("secret-1")
      const events = yield* MemoryEvents.all
      expect(events.find((e) => e.type === "user.pat.added")!.payload).toMatchObject({
        tokenId: pat.tokenId,
        tokenHash: "digest(secret-0)"
      })
      expect(events.find((e) => e.type === "user.machine.secret.set")!.payload)
        .toEqual({ hashedSecret: "$fake$secret-1" })
      yield* User.removePersonalAccessToken({ ...caller, userId, tokenId: pat.tokenId })
      yield* User.removeMachineSecret({ ...caller, userId })
      yield* User.removeUser({ ...caller, userId })
      expect((yield* typesOf).slice(-3)).toEqual([
        "user.pat.removed",
        "user.machine.secret.removed",
        "user.removed"
      ])
    }).pipe(Effect.provide(userTestLayer)))
})
