import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import {
  addOidcApp,
  addProject,
  changeApp,
  changeClientSecret,
  changeOidcConfig,
  changeProject,
  deactivateApp,
  deactivateProject,
  decodeProjectEvent,
  encodeProjectEvent,
  evolveProject,
  initialProject,
  type OidcSettings,
  type ProjectEvent,
  type ProjectState,
  projectAggregateOf,
  reactivateApp,
  reactivateProject,
  removeApp,
  removeProject
} from "../src/project/index.js"
import type { WriteModel } from "../src/kernel/index.js"
import { storedEvent } from "./support/events.js"
import { eventsOf, given, refusalOf } from "./support/given.js"

const model: WriteModel<ProjectState, ProjectEvent> = {
  initial: initialProject,
  evolve: evolveProject
}

const givenProject = (events: ReadonlyArray<ProjectEvent>) => given(model, events)

const settings = {
  name: "shop",
  projectRoleAssertion: false,
  projectRoleCheck: false,
  hasProjectCheck: false,
  privateLabelingSetting: 0
}

const added: ProjectEvent = { _tag: "ProjectAdded", ...settings }

const web: OidcSettings = {
  oidcVersion: 0,
  redirectUris: ["https://shop.example.com/callback"],
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

const appAdded: ReadonlyArray<ProjectEvent> = [
  { _tag: "ApplicationAdded", appId: "a1", name: "web" },
  { _tag: "OidcConfigAdded", appId: "a1", clientId: "c1", hashedSecret: "hash-1", ...web }
]

const addApp = (overrides: Partial<OidcSettings> = {}, name = "web") => ({
  appId: "a1",
  name,
  clientId: "c1",
  hashedSecret: "hash-1",
  settings: { ...web, ...overrides },
  org: "active" as const
})

describe("Project › when not yet added", () => {
  it("adds a project with its settings [name trimmed]", () => {
    const events = eventsOf(
      givenProject([]).when(addProject, { ...settings, name: "  shop ", org: "active" })
    )
    expect(events).toEqual([added])
  })

  it("rejects an empty name", () => {
    expect(refusalOf(givenProject([]).when(addProject, { ...settings, name: " ", org: "active" })))
      .toEqual({ kind: "InvalidArgument", id: "PROJECT-IOVCC", message: "Errors.Project.Invalid" })
  })

  it("rejects an org that is not active [inactive, removed, unknown]", () => {
    for (const org of ["inactive", "removed", "unspecified"] as const) {
      expect(refusalOf(givenProject([]).when(addProject, { ...settings, org }))).toEqual({
        kind: "PreconditionFailed",
        id: "COMMAND-QXPGs",
        message: "Errors.Org.NotFound"
      })
    }
  })

  it("refuses every change as not found", () => {
    expect(refusalOf(givenProject([]).when(changeProject, settings)).id).toBe("COMMAND-3M9sd")
    expect(refusalOf(givenProject([]).when(deactivateProject, undefined)).id).toBe("COMMAND-112M9")
    expect(refusalOf(givenProject([]).when(reactivateProject, undefined)).id).toBe("COMMAND-3M9sd")
    expect(refusalOf(givenProject([]).when(removeProject, undefined)).kind).toBe("NotFound")
  })
})

describe("Project › when active", () => {
  it("changes only what differs", () => {
    const events = eventsOf(
      givenProject([added])
        .when(changeProject, { ...settings, name: "store", hasProjectCheck: true })
    )
    expect(events).toEqual([{ _tag: "ProjectChanged", name: "store", hasProjectCheck: true }])
  })

  it("refuses a change that changes nothing", () => {
    expect(refusalOf(givenProject([added]).when(changeProject, settings))).toEqual({
      kind: "PreconditionFailed",
      id: "COMMAND-2M0fs",
      message: "Errors.NoChangesFound"
    })
  })

  it("deactivates, and refuses to reactivate", () => {
    expect(eventsOf(givenProject([added]).when(deactivateProject, undefined)))
      .toEqual([{ _tag: "ProjectDeactivated" }])
    expect(refusalOf(givenProject([added]).when(reactivateProject, undefined))).toEqual({
      kind: "PreconditionFailed",
      id: "COMMAND-5M9bs",
      message: "Errors.Project.NotInactive"
    })
  })

  it("removes the project, releasing its name and its apps' names", () => {
    const state = [added, ...appAdded].reduce(evolveProject, initialProject)
    expect(eventsOf(givenProject([added, ...appAdded]).when(removeProject, undefined)))
      .toEqual([{ _tag: "ProjectRemoved" }])
    expect(projectAggregateOf("org1", "p1").constraints(state, { _tag: "ProjectRemoved" }))
      .toEqual([
        { action: "remove", type: "project_names", field: "shoporg1" },
        { action: "remove", type: "appname", field: "web:p1" }
      ])
  })
})

describe("Project › when inactive", () => {
  const inactive: ReadonlyArray<ProjectEvent> = [added, { _tag: "ProjectDeactivated" }]

  it("reactivates", () => {
    expect(eventsOf(givenProject(inactive).when(reactivateProject, undefined)))
      .toEqual([{ _tag: "ProjectReactivated" }])
  })

  it("refuses to deactivate twice", () => {
    expect(refusalOf(givenProject(inactive).when(deactivateProject, undefined))).toEqual({
      kind: "PreconditionFailed",
      id: "COMMAND-mki55",
      message: "Errors.Project.NotActive"
    })
  })
})

describe("Project › when removed", () => {
  it("is gone for every command", () => {
    const removed: ReadonlyArray<ProjectEvent> = [added, { _tag: "ProjectRemoved" }]
    expect(refusalOf(givenProject(removed).when(removeProject, undefined)).kind).toBe("NotFound")
    expect(refusalOf(givenProject(removed).when(addOidcApp, addApp()))).toEqual({
      kind: "PreconditionFailed",
      id: "COMMAND-EbFMN",
      message: "Errors.Project.NotFound"
    })
  })
})

describe("OIDC app › when adding", () => {
  it("adds the app and its config, URIs trimmed", () => {
    const events = eventsOf(
      givenProject([added]).when(addOidcApp, addApp({ redirectUris: [" https://a.test/cb "] }))
    )
    expect(events).toEqual([
      { _tag: "ApplicationAdded", appId: "a1", name: "web" },
      {
        _tag: "OidcConfigAdded",
        appId: "a1",
        clientId: "c1",
        hashedSecret: "hash-1",
        ...web,
        redirectUris: ["https://a.test/cb"]
      }
    ])
  })

  it("stores no secret field for a public client", () => {
    const events = eventsOf(
      givenProject([added])
        .when(addOidcApp, { ...addApp({ authMethodType: 2 }), hashedSecret: undefined })
    )
    expect("hashedSecret" in (events[1] as object)).toBe(false)
  })

  it("rejects invalid settings with PROJECT-1n8df", () => {
    const invalid: ReadonlyArray<Partial<OidcSettings>> = [
      { clockSkew: 5_000_000_001 },
      { clockSkew: -1 },
      { additionalOrigins: ["https://a.test/path"] },
      { responseTypes: [] },
      { responseTypes: [1], grantTypes: [0] },
      { responseTypes: [0], grantTypes: [2] }
    ]
    for (const overrides of invalid) {
      expect(refusalOf(givenProject([added]).when(addOidcApp, addApp(overrides)))).toEqual({
        kind: "InvalidArgument",
        id: "PROJECT-1n8df",
        message: "Errors.Project.App.Invalid"
      })
    }
    expect(refusalOf(givenProject([added]).when(addOidcApp, addApp({}, "  "))).id)
      .toBe("PROJECT-1n8df")
  })

  it("accepts device code in place of authorization code for the code response type", () => {
    expect(eventsOf(
      givenProject([added]).when(addOidcApp, addApp({ grantTypes: [3], redirectUris: [] }))
    )).toHaveLength(2)
  })

  it("rejects an unreadable back-channel logout URI", () => {
    expect(refusalOf(
      givenProject([added]).when(addOidcApp, addApp({ backChannelLogoutURI: "not a url" }))
    ).id).toBe("PROJECT-iZL2Ac")
  })

  it("refuses an org that is not active", () => {
    expect(refusalOf(givenProject([added]).when(addOidcApp, { ...addApp(), org: "inactive" })).id)
      .toBe("COMMAND-QXPGs")
  })

  it("takes the app name per project and frees it on rename", () => {
    const spec = projectAggregateOf("org1", "p1")
    const state = [added, ...appAdded].reduce(evolveProject, initialProject)
    expect(spec.constraints(state, { _tag: "ApplicationChanged", appId: "a1", name: "site" }))
      .toEqual([
        { action: "remove", type: "appname", field: "web:p1" },
        {
          action: "add",
          type: "appname",
          field: "site:p1",
          errorId: "V3-DKcYh",
          message: "Errors.Project.App.AlreadyExists"
        }
      ])
  })
})

describe("OIDC app › when active", () => {
  const events = [added, ...appAdded]

  it("renames, and refuses the same name", () => {
    expect(eventsOf(givenProject(events).when(changeApp, { appId: "a1", name: "site" })))
      .toEqual([{ _tag: "ApplicationChanged", appId: "a1", name: "site" }])
    expect(refusalOf(givenProject(events).when(changeApp, { appId: "a1", name: "web" })).id)
      .toBe("COMMAND-2m8vx")
  })

  it("changes only the config fields that differ", () => {
    const decision = givenProject(events).when(changeOidcConfig, {
      appId: "a1",
      settings: { ...web, devMode: true, redirectUris: ["http://localhost:3000/cb"] }
    })
    expect(eventsOf(decision)).toEqual([{
      _tag: "OidcConfigChanged",
      appId: "a1",
      redirectUris: ["http://localhost:3000/cb"],
      devMode: true
    }])
  })

  it("refuses a config change that changes nothing", () => {
    expect(refusalOf(givenProject(events).when(changeOidcConfig, { appId: "a1", settings: web })))
      .toEqual({
        kind: "PreconditionFailed",
        id: "COMMAND-1m88i",
        message: "Errors.NoChangesFound"
      })
  })

  it("replaces the secret hash", () => {
    const decision = givenProject(events)
      .when(changeClientSecret, { appId: "a1", hashedSecret: "h2" })
    expect(eventsOf(decision))
      .toEqual([{ _tag: "OidcConfigSecretChanged", appId: "a1", hashedSecret: "h2" }])
    const state = [...events, ...eventsOf(decision)].reduce(evolveProject, initialProject)
    expect(state.apps.get("a1")?.oidc?.hashedSecret).toBe("h2")
  })

  it("deactivates, reactivates and removes", () => {
    const deactivated = eventsOf(givenProject(events).when(deactivateApp, { appId: "a1" }))
    expect(deactivated).toEqual([{ _tag: "ApplicationDeactivated", appId: "a1" }])
    const twice = givenProject([...events, ...deactivated]).when(deactivateApp, { appId: "a1" })
    expect(refusalOf(twice).id)
      .toBe("COMMAND-dsh35")
    expect(eventsOf(givenProject([...events, ...deactivated]).when(reactivateApp, { appId: "a1" })))
      .toEqual([{ _tag: "ApplicationReactivated", appId: "a1" }])
    expect(refusalOf(givenProject(events).when(reactivateApp, { appId: "a1" })).id)
      .toBe("COMMAND-1n8cM")
    expect(eventsOf(givenProject(events).when(removeApp, { appId: "a1" })))
      .toEqual([{ _tag: "ApplicationRemoved", appId: "a1" }])
  })

  it("treats a removed app as missing", () => {
    const removed = [...events, { _tag: "ApplicationRemoved", appId: "a1" } as const]
    expect(refusalOf(givenProject(removed).when(removeApp, { appId: "a1" }))).toEqual({
      kind: "NotFound",
      id: "COMMAND-0po9s",
      message: "Errors.Project.App.NotExisting"
    })
    const secret = givenProject(removed)
      .when(changeClientSecret, { appId: "a1", hashedSecret: "x" })
    expect(refusalOf(secret).id)
      .toBe("COMMAND-2g66f")
    const config = givenProject(removed).when(changeOidcConfig, { appId: "a1", settings: web })
    expect(refusalOf(config).id)
      .toBe("COMMAND-2n8uU")
  })
})

describe("Project events › codec", () => {
  it("decodes ZITADEL's omitempty payloads with zero defaults", () => {
    const decoded = decodeProjectEvent(storedEvent(
      { type: "project", id: "p1" },
      "project.application.config.oidc.added",
      {
        appId: "a1",
        clientId: "c1",
        redirectUris: ["https://a.test"],
        responseTypes: [0],
        grantTypes: [0]
      }
    ))
    expect(Option.getOrThrow(decoded)).toEqual({
      _tag: "OidcConfigAdded",
      ...web,
      appId: "a1",
      clientId: "c1",
      redirectUris: ["https://a.test"]
    })
  })

  it("stores ZITADEL's event types and JSON field names", () => {
    expect(encodeProjectEvent({ _tag: "OidcConfigSecretChanged", appId: "a1", hashedSecret: "h" }))
      .toEqual({
        type: "project.application.config.oidc.secret.changed",
        payload: { appId: "a1", hashedSecret: "h" }
      })
    expect(encodeProjectEvent({ _tag: "ProjectRemoved" }))
      .toEqual({ type: "project.removed", payload: null })
    const config = encodeProjectEvent(appAdded[1]!)
    expect(config.type).toBe("project.application.config.oidc.added")
    expect(Object.keys(config.payload!)).toContain("oidcVersion")
    expect(Object.keys(config.payload!)).toContain("backChannelLogoutURI")
  })
})
