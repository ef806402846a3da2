import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import {
  addOidcApp,
  changeClientSecret,
  changeOidcConfig,
  evolveProject,
  existingApp,
  initialProject,
  oidcCompliance,
  type OidcSettings,
  type ProjectEvent,
  type ProjectState,
  removeApp
} from "../src/project/index.js"

const uri = fc.oneof(
  fc.constantFrom("https://a.test/cb", "http://a.test/cb", "http://localhost:3000/cb"),
  fc.constantFrom("http://127.0.0.1/cb", "com.example.app:/cb", "not a uri", "")
)

const complianceInput = fc.record({
  oidcVersion: fc.constantFrom(0, 0, 0, 1),
  applicationType: fc.integer({ min: 0, max: 2 }),
  authMethodType: fc.integer({ min: 0, max: 3 }),
  grantTypes: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 5 }),
  redirectUris: fc.array(uri, { maxLength: 3 })
})

const settings: fc.Arbitrary<OidcSettings> = fc.record({
  oidcVersion: fc.constant(0),
  redirectUris: fc.array(uri, { maxLength: 2 }),
  responseTypes: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }),
  grantTypes: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 5 }),
  applicationType: fc.integer({ min: 0, max: 2 }),
  authMethodType: fc.integer({ min: 0, max: 3 }),
  postLogoutRedirectUris: fc.array(uri, { maxLength: 2 }),
  devMode: fc.boolean(),
  accessTokenType: fc.integer({ min: 0, max: 1 }),
  accessTokenRoleAssertion: fc.boolean(),
  idTokenRoleAssertion: fc.boolean(),
  idTokenUserinfoAssertion: fc.boolean(),
  clockSkew: fc.integer({ min: -1, max: 6_000_000_000 }),
  additionalOrigins: fc.array(fc.constantFrom("https://a.test", "https://a.test/x"), {
    maxLength: 2
  }),
  skipNativeAppSuccessPage: fc.boolean(),
  backChannelLogoutURI: fc.constantFrom("", "https://a.test/logout")
})

type Step =
  | { readonly kind: "add"; readonly appId: string; readonly settings: OidcSettings }
  | { readonly kind: "change"; readonly appId: string; readonly settings: OidcSettings }
  | { readonly kind: "secret"; readonly appId: string; readonly hash: string }
  | { readonly kind: "remove"; readonly appId: string }

const appId = fc.constantFrom("a1", "a2")
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("add" as const), appId, settings }),
  fc.record({ kind: fc.constant("change" as const), appId, settings }),
  fc.record({ kind: fc.constant("secret" as const), appId, hash: fc.string() }),
  fc.record({ kind: fc.constant("remove" as const), appId })
)

const started: ProjectState = evolveProject(initialProject, {
  _tag: "ProjectAdded",
  name: "p",
  projectRoleAssertion: false,
  projectRoleCheck: false,
  hasProjectCheck: false,
  privateLabelingSetting: 0
})

const run = (steps: ReadonlyArray<Step>) => {
  let state = started
  const written: Array<ProjectEvent> = []
  for (const s of steps) {
    const decision = s.kind === "add"
      ? addOidcApp(state, {
        appId: s.appId,
        name: s.appId,
        clientId: `client-${s.appId}`,
        hashedSecret: "hash",
        settings: s.settings,
        org: "active"
      })
      : s.kind === "change"
      ? changeOidcConfig(state, { appId: s.appId, settings: s.settings })
      : s.kind === "secret"
      ? changeClientSecret(state, { appId: s.appId, hashedSecret: s.hash })
      : removeApp(state, { appId: s.appId })
    if (Either.isRight(decision)) {
      for (const event of decision.right) {
        written.push(event)
        state = evolveProject(state, event)
      }
    }
  }
  return { state, written }
}

describe("OIDC compliance › invariants", () => {
  it.prop("is non-compliant exactly when a summary key is listed", [complianceInput], ([i]) => {
    const result = oidcCompliance(i)
    const summary = result.problems.includes("Application.OIDC.V1.NotCompliant") ||
      result.problems.includes("Application.OIDC.UnsupportedVersion")
    expect(result.noneCompliant).toBe(summary)
  })
})

describe("OIDC apps › invariants", () => {
  it.prop("an app id is added at most once, even after removal", [fc.array(step)], ([steps]) => {
    const { written } = run(steps)
    const added = written.filter((e) => e._tag === "ApplicationAdded").map((e) => e.appId)
    expect(new Set(added).size).toBe(added.length)
  })

  it.prop("every stored config holds a clock skew within five seconds", [fc.array(step)], ([s]) => {
    const { state } = run(s)
    for (const id of ["a1", "a2"]) {
      const skew = existingApp(state, id)?.oidc?.clockSkew ?? 0
      expect(skew >= 0 && skew <= 5_000_000_000).toBe(true)
    }
  })

  it.prop("no event follows an app's removal", [fc.array(step)], ([steps]) => {
    const { written } = run(steps)
    const removedAt = written.findIndex((e) => e._tag === "ApplicationRemoved")
    if (removedAt >= 0) {
      const gone = (written[removedAt] as { readonly appId: string }).appId
      const later = written.slice(removedAt + 1).filter((e) => "appId" in e && e.appId === gone)
      expect(later).toEqual([])
    }
  })
})
