import {
  Clock,
  Crypto,
  type DomainError,
  Identity,
  IdGenerator,
  invalidArgument,
  type StoredEvent
} from "@citadel/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck, Layer, Option, Redacted, Ref } from "effect"
import { createHash } from "node:crypto"
import { MemoryEvents, memoryStoreLayer } from "./identityStore.js"

const now = new Date("2025-03-01T10:00:00.000Z")
const expiration = new Date("2026-01-01T00:00:00.000Z")

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex")

/** Ids 100, 101, …; a fixed clock; a Crypto whose secret is `secret`. */
const ports = (secret: string) =>
  Layer.mergeAll(
    Layer.effect(
      IdGenerator,
      Effect.map(Ref.make(100), (counter) => ({
        next: Ref.getAndUpdate(counter, (n) => n + 1).pipe(Effect.map(String))
      }))
    ),
    Layer.succeed(Clock, { now: Effect.succeed(now) }),
    Layer.succeed(Crypto, {
      randomSecret: () => Effect.succeed(Redacted.make(secret)),
      encrypt: () => Effect.die("not used"),
      decrypt: () => Effect.die("not used"),
      digest: (value) => Effect.succeed(sha256(Redacted.value(value)))
    })
  )

const testLayer = (secret = "s3cr3t-token-value") => Layer.merge(memoryStoreLayer, ports(secret))

const decisionInput: Identity.SetupDecisionInput = {
  instanceName: "Citadel",
  domain: "127.0.0.1",
  orgId: "100",
  orgName: "Citadel",
  userId: "101",
  userName: "admin",
  name: "admin",
  tokenId: "102",
  tokenHash: "ab12",
  expiration,
  scopes: ["openid"]
}

const setupInput: Identity.SetupInstanceInput = {
  instanceName: "Citadel",
  externalUrl: "http://127.0.0.1:8080",
  orgName: "Citadel",
  adminUserName: "admin",
  tokenExpiration: expiration
}

const decide = (given: ReadonlyArray<Identity.InstanceEvent>, input = decisionInput) =>
  Identity.decideSetup(given.reduce(Identity.evolveInstance, Identity.initialInstance), input)

const failureOf = (result: Either.Either<unknown, DomainError>) =>
  Either.isLeft(result) ? result.left : undefined

describe("Identity › setup decision", () => {
  it("decides ZITADEL's setup events on an empty instance", () => {
    expect(decide([])).toEqual(Either.right([
      { aggregate: "instance", event: { _tag: "InstanceAdded", name: "Citadel" } },
      { aggregate: "org", event: { _tag: "OrgAdded", name: "Citadel" } },
      { aggregate: "instance", event: { _tag: "DefaultOrgSet", orgId: "100" } },
      {
        aggregate: "user",
        event: {
          _tag: "MachineAdded",
          userName: "admin",
          name: "admin",
          description: "",
          accessTokenType: 0
        }
      },
      {
        aggregate: "user",
        event: {
          _tag: "PersonalAccessTokenAdded",
          tokenId: "102",
          expiration,
          scopes: ["openid"],
          tokenHash: "ab12"
        }
      },
      {
        aggregate: "org",
        event: { _tag: "OrgMemberAdded", userId: "101", roles: ["ORG_OWNER"] }
      },
      {
        aggregate: "instance",
        event: { _tag: "InstanceMemberAdded", userId: "101", roles: ["IAM_OWNER"] }
      },
      {
        aggregate: "instance",
        event: { _tag: "InstanceDomainAdded", domain: "127.0.0.1", generated: false }
      },
      { aggregate: "instance", event: { _tag: "InstanceDomainPrimarySet", domain: "127.0.0.1" } }
    ]))
  })

  it("decides nothing when the instance exists [setup twice]", () => {
    expect(decide([{ _tag: "InstanceAdded", name: "Citadel" }])).toEqual(Either.right([]))
  })

  it("decides nothing when the instance was removed", () => {
    expect(decide([{ _tag: "InstanceAdded", name: "x" }, { _tag: "InstanceRemoved" }]))
      .toEqual(Either.right([]))
  })

  it("rejects an empty org name [whitespace]", () => {
    expect(failureOf(decide([], { ...decisionInput, orgName: "  " })))
      .toEqual(invalidArgument("ORG-mruNY", "Errors.Invalid.Argument"))
  })

  it("rejects an empty user name", () => {
    expect(failureOf(decide([], { ...decisionInput, userName: "" })))
      .toEqual(invalidArgument("COMMAND-bm9Ds", "Errors.User.Invalid"))
  })

  it("rejects an empty display name", () => {
    expect(failureOf(decide([], { ...decisionInput, name: " " })))
      .toEqual(invalidArgument("COMMAND-bs9Ds", "Errors.User.Invalid"))
  })

  it("rejects an empty instance name", () => {
    expect(failureOf(decide([], { ...decisionInput, instanceName: "" })))
      .toEqual(invalidArgument("INST-n4m3x", "Errors.Invalid.Argument"))
  })

  it("trims the names it writes", () => {
    const result = decide([], { ...decisionInput, orgName: " Acme ", userName: " admin " })
    const events = Either.getOrThrow(result).map((entry) => entry.event)
    expect(events[1]).toEqual({ _tag: "OrgAdded", name: "Acme" })
    expect(events[3]).toMatchObject({ _tag: "MachineAdded", userName: "admin" })
  })
})

describe("Identity › folds", () => {
  it("folds the instance: members added, changed and removed", () => {
    const state = [
      { _tag: "InstanceAdded", name: "Citadel" },
      { _tag: "InstanceMemberAdded", userId: "u1", roles: ["IAM_OWNER"] },
      { _tag: "InstanceMemberAdded", userId: "u2", roles: ["IAM_OWNER"] },
      { _tag: "InstanceMemberChanged", userId: "u1", roles: ["IAM_OWNER_VIEWER"] },
      { _tag: "InstanceMemberRemoved", userId: "u2" },
      { _tag: "DefaultOrgSet", orgId: "o1" }
    ].reduce(
      (s, e) => Identity.evolveInstance(s, e as Identity.InstanceEvent),
      Identity.initialInstance
    )
    expect(state.status).toBe("active")
    expect(state.defaultOrgId).toBe("o1")
    expect([...state.members]).toEqual([["u1", ["IAM_OWNER_VIEWER"]]])
  })

  it("folds the user through lock, deactivation and token removal", () => {
    const events: ReadonlyArray<Identity.UserEvent> = [
      { _tag: "MachineAdded", userName: "a", name: "A", description: "", accessTokenType: 0 },
      {
        _tag: "PersonalAccessTokenAdded",
        tokenId: "t1",
        expiration,
        scopes: [],
        tokenHash: "h1"
      },
      { _tag: "UserLocked" }
    ]
    const locked = events.reduce(Identity.evolveUser, Identity.initialUser)
    expect(locked.status).toBe("locked")
    expect([...locked.tokens.keys()]).toEqual(["t1"])
    const after = [
      { _tag: "UserUnlocked" },
      { _tag: "UserDeactivated" },
      { _tag: "PersonalAccessTokenRemoved", tokenId: "t1" }
    ].reduce((s, e) => Identity.evolveUser(s, e as Identity.UserEvent), locked)
    expect(after.status).toBe("inactive")
    expect(after.tokens.size).toBe(0)
  })
})

describe("Identity › codec", () => {
  it("stores the PAT with ZITADEL's type and fields plus the hash", () => {
    const encoded = Identity.userAggregate.encode({
      _tag: "PersonalAccessTokenAdded",
      tokenId: "t1",
      expiration,
      scopes: ["openid"],
      tokenHash: "h1"
    })
    expect(encoded).toEqual({
      type: "user.pat.added",
      payload: {
        tokenId: "t1",
        expiration: "2026-01-01T00:00:00.000Z",
        scopes: ["openid"],
        tokenHash: "h1"
      }
    })
  })

  it("stores payload-less events with a null payload", () => {
    expect(Identity.userAggregate.encode({ _tag: "UserDeactivated" }))
      .toEqual({ type: "user.deactivated", payload: null })
  })

  it("decodes a member event written by ZITADEL", () => {
    const stored = {
      type: "instance.member.added",
      payload: { userId: "u1", roles: ["IAM_OWNER"] }
    } as unknown as StoredEvent
    expect(Identity.instanceAggregate.decode(stored)).toEqual(
      Option.some({ _tag: "InstanceMemberAdded", userId: "u1", roles: ["IAM_OWNER"] })
    )
  })

  it("ignores event types it does not fold", () => {
    const stored = { type: "instance.idp.jwt.added", payload: {} } as unknown as StoredEvent
    expect(Identity.instanceAggregate.decode(stored)).toEqual(Option.none())
  })
})

const summary = (events: ReadonlyArray<StoredEvent>) =>
  events.map((e) => [e.aggregate.type, e.aggregate.id, e.aggregate.owner, e.sequence, e.type])

describe("Identity › setupInstance", () => {
  it.effect("writes the instance, org, admin, token and membership once", () =>
    Effect.gen(function*() {
      const result = yield* Identity.setupInstance(setupInput)
      const events = yield* MemoryEvents.all

      expect(result).toMatchObject({
        _tag: "SetUp",
        instanceId: "default",
        orgId: "100",
        userId: "101",
        tokenId: "102"
      })
      expect(summary(events)).toEqual([
        ["instance", "default", "default", 1, "instance.added"],
        ["org", "100", "100", 1, "org.added"],
        ["instance", "default", "default", 2, "instance.default.org.set"],
        ["user", "101", "100", 1, "user.machine.added"],
        ["user", "101", "100", 2, "user.pat.added"],
        ["org", "100", "100", 2, "org.member.added"],
        ["instance", "default", "default", 3, "instance.member.added"],
        ["instance", "default", "default", 4, "instance.domain.added"],
        ["instance", "default", "default", 5, "instance.domain.primary.set"]
      ])
      expect(events.map((e) => e.payload)).toEqual([
        { name: "Citadel" },
        { name: "Citadel" },
        { orgId: "100" },
        { userName: "admin", name: "admin", description: "", accessTokenType: 0 },
        {
          tokenId: "102",
          expiration: "2026-01-01T00:00:00.000Z",
          scopes: Identity.patDefaultScopes,
          tokenHash: sha256("s3cr3t-token-value")
        },
        { userId: "101", roles: ["ORG_OWNER"] },
        { userId: "101", roles: ["IAM_OWNER"] },
        { domain: "127.0.0.1", generated: false },
        { domain: "127.0.0.1" }
      ])
      expect(events.every((e) => e.creator === "SYSTEM" && e.createdAt === now)).toBe(true)
      if (result._tag === "SetUp") {
        expect(Redacted.value(result.token)).toBe("s3cr3t-token-value")
        expect(result.details).toMatchObject({ sequence: 5, resourceOwner: "100" })
      }
    }).pipe(Effect.provide(testLayer())))

  it.effect("writes nothing the second time [setup twice]", () =>
    Effect.gen(function*() {
      yield* Identity.setupInstance(setupInput)
      const before = yield* MemoryEvents.all
      const again = yield* Identity.setupInstance({ ...setupInput, orgName: "Other" })
      const after = yield* MemoryEvents.all

      expect(again).toEqual({ _tag: "AlreadySetUp", instanceId: "default" })
      expect(after).toEqual(before)
    }).pipe(Effect.provide(testLayer())))

  it.effect("sets up once when two callers race", () =>
    Effect.gen(function*() {
      const results = yield* Effect.all(
        [Identity.setupInstance(setupInput), Identity.setupInstance(setupInput)],
        { concurrency: 2 }
      )
      const events = yield* MemoryEvents.all

      expect(results.map((r) => r._tag).sort()).toEqual(["AlreadySetUp", "SetUp"])
      expect(events.filter((e) => e.type === "instance.added")).toHaveLength(1)
    }).pipe(Effect.provide(testLayer())))

  it.effect("sets up a second instance under another id", () =>
    Effect.gen(function*() {
      yield* Identity.setupInstance(setupInput)
      const other = yield* Identity.setupInstance({ ...setupInput, instanceId: "tenant-2" })

      expect(other).toMatchObject({ _tag: "SetUp", instanceId: "tenant-2" })
    }).pipe(Effect.provide(testLayer())))

  it.effect("rejects an external URL without a host", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Identity.setupInstance({ ...setupInput, externalUrl: "not a url" })
      )
      const events = yield* MemoryEvents.all

      expect(error).toEqual(invalidArgument("INST-3xtUr", "Errors.Invalid.Argument"))
      expect(events).toEqual([])
    }).pipe(Effect.provide(testLayer())))

  it.effect.prop(
    "no stored event holds the token secret",
    [FastCheck.string({ minLength: 16, maxLength: 64 }).filter((s) => s.trim().length >= 16)],
    ([secret]) =>
      Effect.gen(function*() {
        const result = yield* Identity.setupInstance(setupInput)
        const events = yield* MemoryEvents.all
        const stored = JSON.stringify(events)

        expect(result._tag).toBe("SetUp")
        expect(stored.includes(JSON.stringify(secret).slice(1, -1))).toBe(false)
        expect(stored.includes(sha256(secret))).toBe(true)
      }).pipe(Effect.provide(testLayer(secret)))
  )
})

describe("Identity › permissions", () => {
  const principal = (roles: ReadonlyArray<string>): Identity.Principal => ({
    instanceId: "i",
    userId: "u",
    orgId: "o",
    permissions: Identity.permissionsOf(roles),
    orgPermissions: new Map()
  })

  it("grants IAM_OWNER the target and execution permissions", () => {
    const { permissions } = principal(["IAM_OWNER"])
    for (const p of [
      "action.target.read",
      "action.target.write",
      "action.target.delete",
      "action.execution.read",
      "action.execution.write"
    ]) expect(permissions.has(p)).toBe(true)
  })

  it("grants IAM_OWNER_VIEWER only reads", () => {
    const { permissions } = principal(["IAM_OWNER_VIEWER"])
    expect(permissions.has("action.target.read")).toBe(true)
    expect([...permissions].filter((p) => !p.endsWith(".read"))).toEqual([])
  })

  it("grants nothing for unknown roles", () => {
    expect(principal(["NO_SUCH_ROLE"]).permissions.size).toBe(0)
  })

  it.effect("refuses a missing permission with AUTHZ-HKJD33", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Identity.requirePermission(principal(["IAM_OWNER_VIEWER"]), "action.target.write")
      )
      expect(error).toMatchObject({
        _tag: "DomainError",
        kind: "PermissionDenied",
        id: "AUTHZ-HKJD33",
        message: "Errors.PermissionDenied"
      })
    }))

  it.effect("allows a held permission", () =>
    Identity.requirePermission(principal(["IAM_OWNER"]), "action.execution.write"))
})
