import { Effect, Layer, Redacted, Ref } from "effect"
import * as Identity from "../src/identity/index.js"
import { Clock, Crypto, EventStore, IdGenerator, PasswordHasher } from "../src/ports/index.js"
import * as User from "../src/user/index.js"
import { memoryStoreLayer } from "./identityStore.js"
import { fakeHasher } from "./userSupport.js"

/**
 * Ports for the session use-case tests: the in-memory store, a clock the test moves, counting
 * ids, the transparent hasher of the user tests and a readable digest.
 */
export const start = new Date("2026-05-01T10:00:00.000Z")

export class TestClock extends Effect.Tag("test/SessionClock")<TestClock, {
  readonly advance: (millis: number) => Effect.Effect<void>
}>() {}

const ports = Layer.unwrapEffect(Effect.gen(function*() {
  const time = yield* Ref.make(start.getTime())
  let next = 500
  let secrets = 0
  return Layer.mergeAll(
    Layer.succeed(Clock, { now: Effect.map(Ref.get(time), (ms) => new Date(ms)) }),
    Layer.succeed(TestClock, { advance: (ms) => Ref.update(time, (t) => t + ms) }),
    Layer.succeed(IdGenerator, { next: Effect.sync(() => String(next++)) }),
    Layer.succeed(PasswordHasher, fakeHasher),
    Layer.succeed(Crypto, {
      randomSecret: () => Effect.sync(() => Redacted.make(`session-secret-${secrets++}`)),
      encrypt: () => Effect.die("not used"),
      decrypt: () => Effect.die("not used"),
      digest: (secret) => Effect.succeed(`digest(${Redacted.value(secret)})`)
    })
  )
}))

export const sessionTestLayer = Layer.merge(memoryStoreLayer, ports)

export const instanceId = "inst"
export const caller = { instanceId, creator: "admin" }
export const password = "Secret1!pw"

const append = (type: string, id: string, event: unknown) =>
  Effect.flatMap(EventStore, (store) => {
    const spec = type === "org" ? Identity.orgAggregate : Identity.userAggregate
    const { payload, type: eventType } = spec.encode(event as never)
    return store.append([{
      aggregate: { instanceId, type, id, owner: id, version: spec.version },
      type: eventType,
      payload,
      creator: "SYSTEM",
      createdAt: start,
      constraints: []
    }], [])
  })

/** An org with a human user holding {@link password}; returns the user id. */
export const orgWithHuman = (orgId: string, userName: string) =>
  Effect.gen(function*() {
    yield* append("org", orgId, { _tag: "OrgAdded", name: `org ${orgId}` })
    const { userId } = yield* User.addHumanUser({
      ...caller,
      orgId,
      userName,
      firstName: "Ada",
      lastName: "Lovelace",
      preferredLanguage: "en",
      email: `${userName}@example.com`,
      password: Redacted.make(password)
    })
    return userId
  })

export const deactivateOrg = (orgId: string) =>
  append("org", orgId, { _tag: "OrgDeactivated" })
