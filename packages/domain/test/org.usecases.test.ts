import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { setupInstance } from "../src/identity/setup.js"
import {
  activateOrganization,
  addOrganizationMember,
  changeOrganizationMember,
  createOrganization,
  deactivateOrganization,
  deleteOrganization,
  removeOrganizationMember,
  updateOrganization
} from "../src/org/index.js"
import {
  clockLayer,
  cryptoLayer,
  fixedNow,
  idGeneratorLayer,
  makeFakeEventStore
} from "./support/fakes.js"
import { refusalOf } from "./support/given.js"

const instanceId = "default"
const caller = { instanceId, creator: "admin" }

/** An instance set up as on first start: default org `org-default`, admin user `admin`. */
const setup = () => {
  const store = makeFakeEventStore()
  const layer = Layer.mergeAll(
    store.layer,
    clockLayer,
    idGeneratorLayer(["org-default", "admin", "pat-1", "o1", "o2", "o3"]),
    cryptoLayer(["token"])
  )
  const ready = setupInstance({
    instanceName: "Citadel",
    externalUrl: "http://127.0.0.1:8080",
    orgName: "Citadel",
    adminUserName: "admin"
  })
  return { store, layer, ready }
}

const eventsOf = (store: ReturnType<typeof makeFakeEventStore>, from: number) =>
  store.events.slice(from).map((e) => [e.aggregate.type, e.aggregate.id, e.type, e.payload])

describe("Org use cases", () => {
  it.effect("creates an org with a generated id and its admins as members", () => {
    const { layer, ready, store } = setup()
    return Effect.gen(function*() {
      yield* ready
      const before = store.events.length
      const created = yield* createOrganization({
        ...caller,
        name: "ACME",
        admins: [{ userId: "admin", roles: [] }]
      })

      expect(created.id).toBe("o1")
      expect(created.details)
        .toMatchObject({ sequence: 2, changeDate: fixedNow, resourceOwner: "o1" })
      expect(eventsOf(store, before)).toEqual([
        ["org", "o1", "org.added", { name: "ACME" }],
        ["org", "o1", "org.member.added", { userId: "admin", roles: ["ORG_OWNER"] }]
      ])
      // the admin's user stream is expected unchanged, so a concurrent removal retries
      expect(store.appends.at(-1)!.expectations).toEqual([
        { aggregate: { instanceId, type: "org", id: "o1" }, sequence: 0 },
        { aggregate: { instanceId, type: "user", id: "admin" }, sequence: 2 }
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("uses a chosen id and refuses it a second time", () => {
    const { layer, ready } = setup()
    return Effect.gen(function*() {
      yield* ready
      const created = yield* createOrganization({ ...caller, orgId: "acme", name: "A", admins: [] })
      expect(created.id).toBe("acme")
      const again = yield* Effect.either(
        createOrganization({ ...caller, orgId: "acme", name: "B", admins: [] })
      )
      expect(refusalOf(again)).toEqual({
        kind: "AlreadyExists",
        id: "ORG-lapo2m",
        message: "Errors.Org.AlreadyExisting"
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("refuses a taken name, the default org's included, and frees it on removal", () => {
    const { layer, ready } = setup()
    return Effect.gen(function*() {
      yield* ready
      const taken = { kind: "AlreadyExists", id: "V3-DKcYh", message: "Errors.Org.AlreadyExists" }
      expect(refusalOf(yield* Effect.either(createOrganization({
        ...caller,
        name: "Citadel",
        admins: []
      })))).toEqual(taken)

      const acme = yield* createOrganization({ ...caller, name: "ACME", admins: [] })
      expect(refusalOf(yield* Effect.either(createOrganization({
        ...caller,
        name: "ACME",
        admins: []
      })))).toEqual(taken)

      yield* deleteOrganization({ ...caller, id: acme.id })
      const again = yield* createOrganization({ ...caller, name: "ACME", admins: [] })
      expect(again.id).not.toBe(acme.id)
    }).pipe(Effect.provide(layer))
  })

  it.effect("renames, and the old name becomes free", () => {
    const { layer, ready } = setup()
    return Effect.gen(function*() {
      yield* ready
      yield* createOrganization({ ...caller, name: "ACME", admins: [] })
      yield* updateOrganization({ ...caller, id: "o1", name: "Globex" })
      const second = yield* createOrganization({ ...caller, name: "ACME", admins: [] })
      expect(second.id).toBe("o2")
      expect(refusalOf(yield* Effect.either(
        updateOrganization({ ...caller, id: "o2", name: "Globex" })
      )).id).toBe("V3-DKcYh")
    }).pipe(Effect.provide(layer))
  })

  it.effect("refuses an admin user that does not exist, before writing anything", () => {
    const { layer, ready, store } = setup()
    return Effect.gen(function*() {
      yield* ready
      const before = store.events.length
      const result = yield* Effect.either(
        createOrganization({ ...caller, name: "ACME", admins: [{ userId: "ghost", roles: [] }] })
      )
      expect(refusalOf(result)).toEqual({
        kind: "PreconditionFailed",
        id: "ORG-GoXOn",
        message: "Errors.User.NotFound"
      })
      expect(store.events.length).toBe(before)
    }).pipe(Effect.provide(layer))
  })

  it.effect("refuses a bad name before generating an id", () => {
    const { layer, ready } = setup()
    return Effect.gen(function*() {
      yield* ready
      const result = yield* Effect.either(createOrganization({ ...caller, name: " ", admins: [] }))
      expect(refusalOf(result).id).toBe("ORG-mruNY")
      const next = yield* createOrganization({ ...caller, name: "ACME", admins: [] })
      expect(next.id).toBe("o1")
    }).pipe(Effect.provide(layer))
  })

  it.effect("deactivates, reactivates and removes an org", () => {
    const { layer, ready, store } = setup()
    return Effect.gen(function*() {
      yield* ready
      yield* createOrganization({ ...caller, name: "ACME", admins: [] })
      const before = store.events.length
      yield* deactivateOrganization({ ...caller, id: "o1" })
      yield* activateOrganization({ ...caller, id: "o1" })
      const removed = yield* deleteOrganization({ ...caller, id: "o1" })
      expect(removed.sequence).toBe(4)
      expect(eventsOf(store, before)).toEqual([
        ["org", "o1", "org.deactivated", null],
        ["org", "o1", "org.reactivated", null],
        ["org", "o1", "org.removed", null]
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("never removes the default org", () => {
    const { layer, ready } = setup()
    return Effect.gen(function*() {
      yield* ready
      const result = yield* Effect.either(deleteOrganization({ ...caller, id: "org-default" }))
      expect(refusalOf(result)).toEqual({
        kind: "PreconditionFailed",
        id: "COMMA-wG9p1",
        message: "Errors.Org.DefaultOrgNotDeletable"
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("adds, changes and removes a member", () => {
    const { layer, ready, store } = setup()
    return Effect.gen(function*() {
      yield* ready
      yield* createOrganization({ ...caller, name: "ACME", admins: [] })
      const before = store.events.length
      yield* addOrganizationMember({ ...caller, id: "o1", userId: "admin", roles: ["ORG_OWNER"] })
      yield* changeOrganizationMember({
        ...caller,
        id: "o1",
        userId: "admin",
        roles: ["ORG_OWNER_VIEWER"]
      })
      yield* removeOrganizationMember({ ...caller, id: "o1", userId: "admin" })
      expect(eventsOf(store, before)).toEqual([
        ["org", "o1", "org.member.added", { userId: "admin", roles: ["ORG_OWNER"] }],
        ["org", "o1", "org.member.changed", { userId: "admin", roles: ["ORG_OWNER_VIEWER"] }],
        ["org", "o1", "org.member.removed", { userId: "admin" }]
      ])
      const ghost = yield* Effect.either(
        addOrganizationMember({ ...caller, id: "o1", userId: "ghost", roles: ["ORG_OWNER"] })
      )
      expect(refusalOf(ghost).id).toBe("ORG-GoXOn")
    }).pipe(Effect.provide(layer))
  })
})
