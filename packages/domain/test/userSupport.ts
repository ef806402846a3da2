import { Effect, Layer, Redacted } from "effect"
import * as Identity from "../src/identity/index.js"
import { Clock, Crypto, EventStore, IdGenerator, PasswordHasher } from "../src/ports/index.js"
import { memoryStoreLayer } from "./identityStore.js"

/**
 * Ports for the user use-case tests: the in-memory store, a fixed clock, counting ids, and a
 * transparent "hasher" (`$fake$` + secret) so tests run fast and can read what was stored.
 */
export const now = new Date("2026-03-01T10:00:00Z")

export const fakeHasher = {
  hash: (secret: Redacted.Redacted<string>) => Effect.succeed(`$fake$${Redacted.value(secret)}`),
  verify: (encoded: string, secret: Redacted.Redacted<string>) =>
    Effect.succeed(encoded === `$fake$${Redacted.value(secret)}`)
}

const ports = Layer.unwrapEffect(Effect.sync(() => {
  let next = 100
  let secrets = 0
  return Layer.mergeAll(
    Layer.succeed(Clock, { now: Effect.succeed(now) }),
    Layer.succeed(IdGenerator, { next: Effect.sync(() => String(next++)) }),
    Layer.succeed(PasswordHasher, fakeHasher),
    Layer.succeed(Crypto, {
      randomSecret: () => Effect.sync(() => Redacted.make(`secret-${secrets++}`)),
      encrypt: () => Effect.die("not used"),
      decrypt: () => Effect.die("not used"),
      digest: (secret) => Effect.succeed(`digest(${Redacted.value(secret)})`)
    })
  )
}))

export const userTestLayer = Layer.merge(memoryStoreLayer, ports)

export const instanceId = "inst"
export const orgId = "org1"

/** Writes `org.added` for an org, as the setup or the org service would. */
/** Appends one org event with no payload fields, such as `OrgRemoved`. */
export const orgLifecycle = (id: string, tag: "OrgDeactivated" | "OrgReactivated" | "OrgRemoved") =>
  Effect.flatMap(EventStore, (store) => {
    const { payload, type } = Identity.orgAggregate.encode({ _tag: tag } as Identity.OrgEvent)
    return store.append([{
      aggregate: { instanceId, type: "org", id, owner: id, version: 1 },
      type,
      payload,
      creator: "SYSTEM",
      createdAt: now,
      constraints: []
    }], [])
  })

export const addOrg = (id: string, name = `org ${id}`) =>
  Effect.flatMap(EventStore, (store) => {
    const { payload, type } = Identity.orgAggregate.encode({ _tag: "OrgAdded", name })
    return store.append([{
      aggregate: { instanceId, type: "org", id, owner: id, version: 1 },
      type,
      payload,
      creator: "SYSTEM",
      createdAt: now,
      constraints: []
    }], [])
  })
