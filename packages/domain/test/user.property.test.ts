import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, FastCheck, Redacted } from "effect"
import * as Identity from "../src/identity/index.js"
import {
  type Clock,
  type DomainError,
  type EventStore,
  type EventStoreError,
  type IdGenerator,
  type PasswordHasher,
  User
} from "../src/index.js"
import { loadAllAggregates } from "../src/usecases/index.js"
import { addOrg, instanceId, orgId, userTestLayer } from "./userSupport.js"

const caller = { instanceId, creator: "admin" }
const ids = ["u0", "u1", "u2", "u3"]
const names = ["ada", "bob", "cy", "dee"]

type Command =
  | { readonly _tag: "add"; readonly id: string; readonly name: string; readonly human: boolean }
  | { readonly _tag: "rename"; readonly id: string; readonly name: string }
  | { readonly _tag: "remove"; readonly id: string }

const command: FastCheck.Arbitrary<Command> = FastCheck.oneof(
  FastCheck.record({
    _tag: FastCheck.constant("add" as const),
    id: FastCheck.constantFrom(...ids),
    name: FastCheck.constantFrom(...names),
    human: FastCheck.boolean()
  }),
  FastCheck.record({
    _tag: FastCheck.constant("rename" as const),
    id: FastCheck.constantFrom(...ids),
    name: FastCheck.constantFrom(...names)
  }),
  FastCheck.record({ _tag: FastCheck.constant("remove" as const), id: FastCheck.constantFrom(...ids) })
)

const run = (c: Command) => Effect.asVoid(runCommand(c))

const runCommand = (
  c: Command
): Effect.Effect<
  unknown,
  DomainError | EventStoreError,
  EventStore | Clock | IdGenerator | PasswordHasher
> => {
  switch (c._tag) {
    case "add":
      return c.human
        ? User.addHumanUser({
          ...caller,
          orgId,
          userId: c.id,
          userName: c.name,
          firstName: "F",
          lastName: "L",
          email: `${c.name}@example.com`
        })
        : User.addMachineUser({ ...caller, orgId, userId: c.id, userName: c.name, name: "M" })
    case "rename":
      return User.changeUserName({ ...caller, userId: c.id, userName: c.name })
    case "remove":
      return User.removeUser({ ...caller, userId: c.id })
  }
}

const existing = (state: Identity.UserState) =>
  state.status !== "unspecified" && state.status !== "removed"

describe("User properties", () => {
  it.effect.prop(
    "login names never collide after any sequence of add, rename and remove",
    [FastCheck.array(command, { maxLength: 25 })],
    ([commands]) =>
      Effect.gen(function*() {
        yield* addOrg(orgId)
        for (const c of commands) {
          const before = yield* loadAllAggregates(Identity.userAggregate, instanceId)
          const taken = [...before.values()].filter((u) => existing(u.state) && u.id !== c.id)
            .map((u) => u.state.userName)
          const exit = yield* Effect.exit(run(c))
          // a name held by another user is always refused
          if (c._tag !== "remove" && taken.includes(c.name)) expect(Exit.isFailure(exit)).toBe(true)
        }
        const users = yield* loadAllAggregates(Identity.userAggregate, instanceId)
        const live = [...users.values()].filter((u) => existing(u.state)).map((u) => u.state.userName)
        expect(new Set(live).size).toBe(live.length)
      }).pipe(Effect.provide(userTestLayer)),
    { fastCheck: { numRuns: 60 } }
  )

  it.effect.prop(
    "a password check never succeeds for a wrong password",
    [FastCheck.string({ minLength: 1 }), FastCheck.string({ minLength: 1 })],
    ([guess, suffix]) =>
      Effect.gen(function*() {
        yield* addOrg(orgId)
        const password = `Aa1!word${suffix}`
        const { userId } = yield* User.addHumanUser({
          ...caller,
          orgId,
          firstName: "F",
          lastName: "L",
          email: "f@example.com",
          password: Redacted.make(password)
        })
        const exit = yield* Effect.exit(User.checkPassword(instanceId, userId, Redacted.make(guess)))
        expect(Exit.isSuccess(exit)).toBe(guess === password)
      }).pipe(Effect.provide(userTestLayer)),
    { fastCheck: { numRuns: 60 } }
  )
})
