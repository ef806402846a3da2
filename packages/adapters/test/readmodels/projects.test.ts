import { type JsonPayload } from "@citadel/domain"
import { expect, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import {
  getApp,
  getOidcAppByClientId,
  getProject,
  OrgsProjection,
  ProjectsProjection,
  searchApps,
  searchProjects
} from "../../src/readmodels/index.js"
import { applyAll, at, reset, stored, withProjections } from "./support.js"

// The project queries read org state from the orgs read model.
const projections = [OrgsProjection, ProjectsProjection]

let sequence = 0

const projectEvent = (id: string, type: string, payload: JsonPayload | null, owner = "org1") => {
  const event = stored({
    aggregateType: "project",
    aggregateId: id,
    type,
    payload,
    sequence: ++sequence,
    minute: sequence
  })
  return { ...event, aggregate: { ...event.aggregate, owner } }
}

const orgEvent = (id: string, type: string) =>
  stored({
    aggregateType: "org",
    aggregateId: id,
    type,
    payload: type === "org.added" ? { name: id } : null,
    sequence: ++sequence,
    minute: sequence
  })

const oidcConfig = (appId: string, clientId: string): JsonPayload => ({
  appId,
  clientId,
  hashedSecret: "$argon2id$hash",
  redirectUris: ["https://a.test/cb"],
  responseTypes: [0],
  grantTypes: [0, 2],
  authMethodType: 0,
  clockSkew: 1_000_000_000,
  additionalOrigins: ["https://b.test"]
})

const world = () => [
  orgEvent("org1", "org.added"),
  orgEvent("org2", "org.added"),
  projectEvent("p1", "project.added", { name: "shop", hasProjectCheck: true }),
  projectEvent("p2", "project.added", { name: "blog" }),
  projectEvent("p3", "project.added", { name: "shop" }, "org2"),
  projectEvent("p1", "project.application.added", { appId: "a1", name: "web" }),
  projectEvent("p1", "project.application.config.oidc.added", oidcConfig("a1", "c1")),
  projectEvent("p1", "project.application.added", { appId: "a2", name: "spa" }),
  projectEvent("p1", "project.application.config.oidc.added", {
    ...oidcConfig("a2", "c2"),
    hashedSecret: undefined,
    authMethodType: 2
  })
]

layer(withProjections("app_projects", projections))("Projects read model", (it) => {
  it.effect("shows a project of its own org only", () =>
    Effect.gen(function*() {
      yield* reset(projections)
      yield* applyAll(projections, world())

      const found = Option.getOrThrow(yield* getProject("inst1", "org1", "p1"))
      expect(found).toMatchObject({
        id: "p1",
        name: "shop",
        state: "active",
        hasProjectCheck: true,
        projectRoleCheck: false,
        resourceOwner: "org1"
      })
      expect(Option.isNone(yield* getProject("inst1", "org2", "p1"))).toBe(true)
    }))

  it.effect("searches by name with pagination", () =>
    Effect.gen(function*() {
      yield* reset(projections)
      yield* applyAll(projections, world())

      const all = yield* searchProjects("inst1", "org1", { asc: true })
      expect(all.totalResult).toBe(2)
      expect(all.result.map((p) => p.id)).toEqual(["p1", "p2"])

      const named = yield* searchProjects("inst1", "org1", {
        filters: [{ _tag: "ProjectName", name: "SH", method: "startsWithIgnoreCase" }]
      })
      expect(named.result.map((p) => p.id)).toEqual(["p1"])

      const second = yield* searchProjects("inst1", "org1", { asc: true, limit: 1, offset: 1 })
      expect(second).toMatchObject({ totalResult: 2, appliedLimit: 1 })
      expect(second.result.map((p) => p.id)).toEqual(["p2"])
    }))

  it.effect("follows changes, deactivation and removal", () =>
    Effect.gen(function*() {
      yield* reset(projections)
      yield* applyAll(projections, [
        ...world(),
        projectEvent("p1", "project.changed", { name: "store" }),
        projectEvent("p2", "project.deactivated", null),
        projectEvent("p1", "project.removed", null)
      ])
      expect(Option.isNone(yield* getProject("inst1", "org1", "p1"))).toBe(true)
      expect(Option.isNone(yield* getApp("inst1", "org1", "p1", "a1"))).toBe(true)
      const blog = Option.getOrThrow(yield* getProject("inst1", "org1", "p2"))
      expect(blog.state).toBe("inactive")
      expect(blog.changeDate).toEqual(at(sequence - 1))
    }))

  it.effect("shows apps with their OIDC config and never the secret hash", () =>
    Effect.gen(function*() {
      yield* reset(projections)
      yield* applyAll(projections, [
        ...world(),
        projectEvent("p1", "project.application.config.oidc.changed", {
          appId: "a1",
          devMode: true,
          redirectUris: ["http://localhost/cb"]
        })
      ])

      const app = Option.getOrThrow(yield* getApp("inst1", "org1", "p1", "a1"))
      expect(app).toMatchObject({ id: "a1", projectId: "p1", name: "web", state: "active" })
      expect(app.oidc).toEqual({
        version: 0,
        clientId: "c1",
        redirectUris: ["http://localhost/cb"],
        responseTypes: [0],
        grantTypes: [0, 2],
        applicationType: 0,
        authMethodType: 0,
        postLogoutRedirectUris: [],
        devMode: true,
        accessTokenType: 0,
        accessTokenRoleAssertion: false,
        idTokenRoleAssertion: false,
        idTokenUserinfoAssertion: false,
        clockSkew: 1_000_000_000,
        additionalOrigins: ["https://b.test"],
        skipNativeAppSuccessPage: false,
        backChannelLogoutUri: ""
      })
      expect(JSON.stringify(app)).not.toContain("argon2")

      const apps = yield* searchApps("inst1", "org1", "p1", {
        asc: true,
        filters: [{ _tag: "AppName", name: "sp", method: "startsWith" }]
      })
      expect(apps.result.map((a) => a.id)).toEqual(["a2"])
      expect((yield* searchApps("inst1", "org2", "p1", {})).totalResult).toBe(0)
    }))

  it.effect("finds a usable client by client id with its secret hash", () =>
    Effect.gen(function*() {
      yield* reset(projections)
      yield* applyAll(projections, world())
      const client = Option.getOrThrow(yield* getOidcAppByClientId("inst1", "c1"))
      expect(client).toMatchObject({
        appId: "a1",
        projectId: "p1",
        resourceOwner: "org1",
        hashedSecret: "$argon2id$hash"
      })
      const spa = Option.getOrThrow(yield* getOidcAppByClientId("inst1", "c2"))
      expect(spa.hashedSecret).toBeUndefined()

      yield* applyAll(projections, [
        projectEvent("p1", "project.application.config.oidc.secret.changed", {
          appId: "a1",
          hashedSecret: "$argon2id$new"
        })
      ])
      expect(Option.getOrThrow(yield* getOidcAppByClientId("inst1", "c1")).hashedSecret)
        .toBe("$argon2id$new")
    }))

  it.effect("leaves out clients of an inactive app, project or org", () =>
    Effect.gen(function*() {
      const usable = () => Effect.map(getOidcAppByClientId("inst1", "c1"), Option.isSome)
      yield* reset(projections)
      yield* applyAll(projections, world())
      expect(yield* usable()).toBe(true)

      yield* applyAll(projections, [
        projectEvent("p1", "project.application.deactivated", { appId: "a1" })
      ])
      expect(yield* usable()).toBe(false)
      yield* applyAll(projections, [
        projectEvent("p1", "project.application.reactivated", { appId: "a1" }),
        projectEvent("p1", "project.deactivated", null)
      ])
      expect(yield* usable()).toBe(false)
      yield* applyAll(projections, [
        projectEvent("p1", "project.reactivated", null),
        orgEvent("org1", "org.deactivated")
      ])
      expect(yield* usable()).toBe(false)
      yield* applyAll(projections, [orgEvent("org1", "org.reactivated")])
      expect(yield* usable()).toBe(true)

      yield* applyAll(projections, [orgEvent("org1", "org.removed")])
      expect(yield* usable()).toBe(false)
      expect(Option.isNone(yield* getProject("inst1", "org1", "p1"))).toBe(true)
      expect((yield* searchProjects("inst1", "org1", {})).totalResult).toBe(0)
      // a removed org stays removed
      yield* applyAll(projections, [orgEvent("org1", "org.reactivated")])
      expect(yield* usable()).toBe(false)
    }))
})
