import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Redacted } from "effect"
import { PasswordHasher } from "../src/ports/index.js"
import {
  addOidcAppTo,
  createProject,
  type OidcSettings,
  type OrgCaller,
  regenerateClientSecret,
  updateProject
} from "../src/project/index.js"
import {
  clockLayer,
  cryptoLayer,
  fixedNow,
  idGeneratorLayer,
  makeFakeEventStore
} from "./support/fakes.js"
import { refusalOf } from "./support/given.js"

/** A stand-in hasher: enough to see that only a hash reaches the events. */
const hasherLayer = Layer.succeed(
  PasswordHasher,
  PasswordHasher.of({
    hash: (secret) => Effect.succeed(`hashed(${Redacted.value(secret)})`),
    verify: (encoded, secret) => Effect.succeed(encoded === `hashed(${Redacted.value(secret)})`)
  })
)

const orgEvent = (orgId: string, type: string) => ({
  aggregate: { instanceId: "instance", type: "org", id: orgId, owner: orgId, version: 1 },
  type,
  payload: type === "org.added" ? { name: orgId } : null,
  creator: "SYSTEM",
  createdAt: fixedNow,
  constraints: []
})

const setup = () => {
  const store = makeFakeEventStore()
  store.seed([orgEvent("org1", "org.added"), orgEvent("org2", "org.added")])
  const layer = Layer.mergeAll(
    store.layer,
    clockLayer,
    idGeneratorLayer(["p1", "a1", "c1", "p2"]),
    cryptoLayer(["first-secret", "second-secret"]),
    hasherLayer
  )
  return { store, layer }
}

const caller: OrgCaller = { instanceId: "instance", orgId: "org1", creator: "admin" }

const settings = {
  name: "shop",
  projectRoleAssertion: false,
  projectRoleCheck: false,
  hasProjectCheck: false,
  privateLabelingSetting: 0
}

const web: OidcSettings = {
  oidcVersion: 0,
  redirectUris: ["https://shop.example.com/cb"],
  responseTypes: [0],
  grantTypes: [0],
  applicationType: 0,
  authMethodType: 0,
  postLogoutRedirectUris: [],
  devMode: false,
  accessTokenType: 0,
  accessTokenRoleAssertion: false,
  idTokenRoleAssertion: false,
  idTokenUserinfoAssertion: false,
  clockSkew: 0,
  additionalOrigins: [],
  skipNativeAppSuccessPage: false,
  backChannelLogoutURI: ""
}

describe("Project use cases", () => {
  it.effect("creates a project owned by the caller's org", () => {
    const { layer, store } = setup()
    return Effect.gen(function*() {
      const created = yield* createProject(caller, settings)
      expect(created.id).toBe("p1")
      expect(created.details.resourceOwner).toBe("org1")
      const written = store.events.filter((e) => e.aggregate.type === "project")
      expect(written.map((e) => [e.type, e.aggregate.owner])).toEqual([["project.added", "org1"]])
    }).pipe(Effect.provide(layer))
  })

  it.effect("refuses a project in a deactivated org", () => {
    const { layer, store } = setup()
    store.seed([orgEvent("org1", "org.deactivated")])
    return Effect.gen(function*() {
      const result = yield* Effect.either(createProject(caller, settings))
      expect(refusalOf(result)).toEqual({
        kind: "PreconditionFailed",
        id: "COMMAND-QXPGs",
        message: "Errors.Org.NotFound"
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("treats another org's project as missing", () => {
    const { layer } = setup()
    return Effect.gen(function*() {
      yield* createProject(caller, settings)
      const other = { ...caller, orgId: "org2" }
      const result = yield* Effect.either(updateProject(other, "p1", { ...settings, name: "x" }))
      expect(refusalOf(result)).toEqual({
        kind: "NotFound",
        id: "COMMAND-3M9sd",
        message: "Errors.Project.NotFound"
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("returns the client secret once and stores only its hash", () => {
    const { layer, store } = setup()
    return Effect.gen(function*() {
      yield* createProject(caller, settings)
      const app = yield* addOidcAppTo(caller, { projectId: "p1", name: "web", settings: web })
      expect(app.appId).toBe("a1")
      expect(app.clientId).toBe("c1")
      expect(Redacted.value(app.clientSecret!)).toBe("first-secret")
      expect(app.compliance).toEqual({ noneCompliant: false, problems: [] })

      const config = store.events.find((e) => e.type === "project.application.config.oidc.added")
      expect(config?.payload?.["hashedSecret"]).toBe("hashed(first-secret)")
      expect(JSON.stringify(store.events)).not.toContain("\"first-secret\"")

      const renewed = yield* regenerateClientSecret(caller, "p1", "a1")
      expect(Redacted.value(renewed.clientSecret)).toBe("second-secret")
      expect(store.events.at(-1)?.payload).toEqual({
        appId: "a1",
        hashedSecret: "hashed(second-secret)"
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("generates no secret for a public client", () => {
    const { layer } = setup()
    return Effect.gen(function*() {
      yield* createProject(caller, settings)
      const app = yield* addOidcAppTo(caller, {
        projectId: "p1",
        name: "spa",
        settings: { ...web, applicationType: 1, authMethodType: 2 }
      })
      expect(app.clientSecret).toBeUndefined()
    }).pipe(Effect.provide(layer))
  })

  it.effect("refuses a second project with the same name in the org", () => {
    const { layer } = setup()
    return Effect.gen(function*() {
      yield* createProject(caller, settings)
      const again = yield* Effect.either(createProject(caller, settings))
      expect(Either.isLeft(again) && again.left._tag === "DomainError" && again.left.kind)
        .toBe("AlreadyExists")
      const elsewhere = yield* createProject({ ...caller, orgId: "org2" }, settings)
      expect(elsewhere.details.resourceOwner).toBe("org2")
    }).pipe(Effect.provide(layer))
  })
})
