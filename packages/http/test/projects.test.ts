/**
 * Management API v1 projects and OIDC apps over HTTP: the real handlers, event store,
 * projections and read models on an embedded PGlite database (a fresh PostgreSQL database when
 * DATABASE_URL is set), with a stand-in bearer check that knows a few principals, among them
 * owners of two different orgs, since org membership does not reach the real one yet.
 */
import { HttpApi, HttpApiBuilder, HttpServer } from "@effect/platform"
import {
  Migrations,
  PgliteClient,
  ProjectionRunner,
  ReadModels,
  SonyflakeIds,
  SqlEventStore,
  SystemClock
} from "@citadel/adapters"
import {
  Crypto,
  EventStore,
  Identity,
  PasswordHasher,
  type PendingEvent
} from "@citadel/domain"
import * as Reactivity from "@effect/experimental/Reactivity"
import { PgClient } from "@effect/sql-pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import * as Errors from "../src/api/errors.js"
import { errorMiddleware } from "../src/api/middleware.js"
import { ManagementProjects } from "../src/api/projects.js"
import { Authorization } from "../src/api/security.js"
import { ManagementProjectsLive } from "../src/handlers/projects.js"

const instanceId = "inst1"

/** What an ORG_OWNER may do in its org, as far as these routes ask. */
const orgOwnerPermissions = new Set([
  "project.create", "project.read", "project.write", "project.delete",
  "project.app.read", "project.app.write", "project.app.delete"
])

const principal = (
  userId: string,
  orgId: string,
  permissions: ReadonlySet<string>,
  orgPermissions: ReadonlyMap<string, ReadonlySet<string>> = new Map()
): Identity.Principal => ({ instanceId, userId, orgId, permissions, orgPermissions })

const principals: Record<string, Identity.Principal> = {
  "token-admin": principal("admin", "orgA", Identity.permissionsOf([Identity.Role.IamOwner])),
  "token-owner-a": principal("ownerA", "orgA", new Set(), new Map([["orgA", orgOwnerPermissions]])),
  "token-owner-b": principal("ownerB", "orgB", new Set(), new Map([["orgB", orgOwnerPermissions]])),
  "token-viewer-a": principal(
    "viewerA",
    "orgA",
    new Set(),
    new Map([["orgA", new Set(["project.read", "project.app.read"])]])
  )
}

const FakeAuthorization = Layer.succeed(Authorization, {
  bearer: (token) => {
    const found = principals[Redacted.value(token)]
    return found === undefined
      ? Effect.fail(
        Errors.Unauthenticated.make({ id: "APP-BxUSiL", message: "Errors.Token.Invalid" })
      )
      : Effect.succeed(found)
  }
})

/** A stand-in hasher (the real one is argon2id); it shows that only a hash is kept. */
const FakeHasher = Layer.succeed(PasswordHasher, {
  hash: (secret) => Effect.succeed(`$fake$${Buffer.from(Redacted.value(secret)).toString("hex")}`),
  verify: (encoded, secret) =>
    Effect.succeed(encoded === `$fake$${Buffer.from(Redacted.value(secret)).toString("hex")}`)
})

const FakeCrypto = Layer.succeed(Crypto, {
  randomSecret: (bytes) =>
    Effect.sync(() => Redacted.make(randomBytes(bytes).toString("base64url"))),
  encrypt: () => Effect.die("not used"),
  decrypt: () => Effect.die("not used"),
  digest: (secret) => Effect.succeed(Redacted.value(secret))
})

const TestApi = HttpApi.make("citadel")
  .add(ManagementProjects)
  .addError(Errors.InvalidArgument)
  .addError(Errors.NotFound)
  .addError(Errors.AlreadyExists)
  .addError(Errors.PermissionDenied)
  .addError(Errors.PreconditionFailed)
  .addError(Errors.Internal)
  .addError(Errors.Unavailable)
  .addError(Errors.Unauthenticated)

const databaseUrl = process.env["DATABASE_URL"]

/** PGlite in memory, or a fresh `app_http_*` database on the DATABASE_URL server. */
const database = databaseUrl === undefined || databaseUrl === ""
  ? PgliteClient.layer()
  : Layer.unwrapScoped(Effect.gen(function*() {
    const name = `app_http_${randomBytes(6).toString("hex")}`
    const admin = yield* PgClient.make({ url: Redacted.make(databaseUrl) })
    yield* admin.unsafe(`CREATE DATABASE ${name}`)
    yield* Effect.addFinalizer(() =>
      Effect.orDie(admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    )
    const url = new URL(databaseUrl)
    url.pathname = `/${name}`
    return PgClient.layer({ url: Redacted.make(url.toString()), maxConnections: 4 })
  })).pipe(Layer.provide(Reactivity.layer))

const migrated = Layer.effectDiscard(Migrations.migrate).pipe(Layer.provideMerge(database))

const ports = Layer.mergeAll(
  SqlEventStore.layer,
  ProjectionRunner.layer([ReadModels.OrgsProjection, ReadModels.ProjectsProjection], {
    pollInterval: "50 millis"
  }),
  SystemClock.layer,
  SonyflakeIds.layer(),
  FakeCrypto,
  FakeHasher
).pipe(Layer.provideMerge(migrated))

const orgEvents = (orgId: string, types: ReadonlyArray<string>): ReadonlyArray<PendingEvent> =>
  types.map((type) => ({
    aggregate: { instanceId, type: "org", id: orgId, owner: orgId, version: 1 },
    type,
    payload: type === "org.added" ? { name: orgId } : null,
    creator: "SYSTEM",
    createdAt: new Date(),
    constraints: []
  }))

const appLayer = Layer.mergeAll(
  HttpApiBuilder.api(TestApi).pipe(
    Layer.provide(ManagementProjectsLive),
    Layer.provide(FakeAuthorization)
  ),
  errorMiddleware,
  HttpServer.layerContext
).pipe(Layer.provideMerge(ports))

let handler: (request: Request) => Promise<Response>
let dispose: () => Promise<void>
let runtime: ManagedRuntime.ManagedRuntime<
  Layer.Layer.Success<typeof ports>,
  Layer.Layer.Error<typeof ports>
>

beforeAll(async () => {
  const memoMap = Effect.runSync(Layer.makeMemoMap)
  runtime = ManagedRuntime.make(ports, memoMap)
  await runtime.runPromise(Effect.flatMap(EventStore, (store) =>
    store.append(
      [
        ...orgEvents("orgA", ["org.added"]),
        ...orgEvents("orgB", ["org.added"]),
        ...orgEvents("orgC", ["org.added", "org.deactivated"])
      ],
      []
    )))
  const web = HttpApiBuilder.toWebHandler(appLayer, { memoMap })
  handler = web.handler
  dispose = async () => {
    await web.dispose()
    await runtime.dispose()
  }
})

afterAll(async () => {
  await dispose?.()
})

interface Reply {
  readonly status: number
  readonly body: any
  readonly text: string
}

const call = async (
  method: string,
  path: string,
  options: { token?: string | null; json?: unknown; org?: string } = {}
): Promise<Reply> => {
  const headers: Record<string, string> = { "content-type": "application/json" }
  const token = options.token === undefined ? "token-admin" : options.token
  if (token !== null) headers["authorization"] = `Bearer ${token}`
  if (options.org !== undefined) headers["x-zitadel-orgid"] = options.org
  const response = await handler(new Request(`http://127.0.0.1${path}`, {
    method,
    headers,
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) })
  }))
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: response.status, body, text }
}

const errorBody = (code: number, id: string, message: string) => ({
  code,
  message: `${message} (${id})`,
  details: [{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id, message }]
})

const webApp = {
  name: "web",
  redirectUris: ["https://shop.example.com/callback"],
  responseTypes: ["OIDC_RESPONSE_TYPE_CODE"],
  grantTypes: ["OIDC_GRANT_TYPE_AUTHORIZATION_CODE", "OIDC_GRANT_TYPE_REFRESH_TOKEN"],
  appType: "OIDC_APP_TYPE_WEB",
  authMethodType: "OIDC_AUTH_METHOD_TYPE_BASIC",
  postLogoutRedirectUris: ["https://shop.example.com/"],
  version: "OIDC_VERSION_1_0",
  devMode: false,
  accessTokenType: "OIDC_TOKEN_TYPE_JWT",
  clockSkew: "1s",
  additionalOrigins: ["https://cdn.example.com"]
}

let counter = 0
const unique = (name: string) => `${name}-${++counter}`

const newProject = async (token = "token-owner-a", name = unique("shop")) => {
  const reply = await call("POST", "/management/v1/projects", { token, json: { name } })
  expect(reply.status).toBe(200)
  return reply.body.id as string
}

const newApp = async (projectId: string, token = "token-owner-a", body: object = webApp) => {
  const reply = await call("POST", `/management/v1/projects/${projectId}/apps/oidc`, {
    token,
    json: { ...body, name: unique("web") }
  })
  expect(reply.status).toBe(200)
  return reply.body as { appId: string; clientId: string; clientSecret?: string }
}

describe("Projects › AddProject", () => {
  it("creates a project in the caller's org and returns its details", async () => {
    const reply = await call("POST", "/management/v1/projects", {
      token: "token-owner-a",
      json: {
        name: "shop-main",
        project_role_assertion: true,
        privateLabelingSetting: "PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY"
      }
    })
    expect(reply.status).toBe(200)
    expect(reply.body.id).toMatch(/^\d+$/)
    expect(reply.body.details).toMatchObject({ sequence: "1", resourceOwner: "orgA" })

    const got = await call("GET", `/management/v1/projects/${reply.body.id}`, {
      token: "token-owner-a"
    })
    expect(got.status).toBe(200)
    expect(got.body.project).toMatchObject({
      id: reply.body.id,
      name: "shop-main",
      state: "PROJECT_STATE_ACTIVE",
      projectRoleAssertion: true,
      projectRoleCheck: false,
      hasProjectCheck: false,
      privateLabelingSetting: "PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY",
      details: { resourceOwner: "orgA", sequence: "1" }
    })
  })

  it("refuses a taken name in the same org, not in another", async () => {
    const name = unique("dup")
    await newProject("token-owner-a", name)
    const again = await call("POST", "/management/v1/projects", {
      token: "token-owner-a",
      json: { name }
    })
    expect(again.status).toBe(409)
    expect(again.body).toEqual(errorBody(6, "V3-DKcYh", "Errors.Project.AlreadyExists"))
    await newProject("token-owner-b", name)
  })

  it("uses the x-zitadel-orgid header for an instance admin", async () => {
    const reply = await call("POST", "/management/v1/projects", {
      org: "orgB",
      json: { name: unique("for-b") }
    })
    expect(reply.body.details.resourceOwner).toBe("orgB")
  })

  it("refuses a project in a deactivated or unknown org", async () => {
    for (const org of ["orgC", "nope"]) {
      const reply = await call("POST", "/management/v1/projects", { org, json: { name: "x" } })
      expect(reply.status).toBe(400)
      expect(reply.body).toEqual(errorBody(9, "COMMAND-QXPGs", "Errors.Org.NotFound"))
    }
  })

  it("answers 401 without a valid token and 403 without the permission", async () => {
    const none = await call("POST", "/management/v1/projects", { token: null, json: { name: "x" } })
    expect(none.status).toBe(401)
    const bad = await call("POST", "/management/v1/projects", {
      token: "nope",
      json: { name: "x" }
    })
    expect(bad.status).toBe(401)
    const viewer = await call("POST", "/management/v1/projects", {
      token: "token-viewer-a",
      json: { name: "x" }
    })
    expect(viewer.status).toBe(403)
    expect(viewer.body.details[0].id).toBe("AUTHZ-HKJD33")
  })

  it("refuses an org owner acting in another org", async () => {
    const reply = await call("POST", "/management/v1/projects", {
      token: "token-owner-a",
      org: "orgB",
      json: { name: "intrusion" }
    })
    expect(reply.status).toBe(403)
    expect(reply.body).toEqual({
      code: 7,
      message: "Errors.PermissionDenied: missing project.create (AUTHZ-HKJD33)",
      details: [{
        "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
        id: "AUTHZ-HKJD33",
        message: "Errors.PermissionDenied"
      }]
    })
  })

  it("rejects an empty name as invalid input", async () => {
    const reply = await call("POST", "/management/v1/projects", { json: { name: "" } })
    expect(reply.status).toBe(400)
    expect(reply.body.code).toBe(3)
  })
})

describe("Projects › reads and changes, per org", () => {
  it("gets and lists only the caller's org's projects", async () => {
    const mine = await newProject("token-owner-a", unique("list-a"))
    const theirs = await newProject("token-owner-b", unique("list-b"))

    const notMine = await call("GET", `/management/v1/projects/${theirs}`, {
      token: "token-owner-a"
    })
    expect(notMine.status).toBe(404)
    expect(notMine.body).toEqual(errorBody(5, "QUERY-fk2fs", "Errors.Project.NotFound"))
    const viaHeader = await call("GET", `/management/v1/projects/${theirs}`, {
      token: "token-owner-a",
      org: "orgB"
    })
    expect(viaHeader.status).toBe(403)

    const listed = await call("POST", "/management/v1/projects/_search", {
      token: "token-owner-a",
      json: { queries: [{ nameQuery: { name: "list-", method: "TEXT_QUERY_METHOD_STARTS_WITH" } }] }
    })
    expect(listed.status).toBe(200)
    expect(listed.body.result.map((p: { id: string }) => p.id)).toEqual([mine])
    expect(listed.body.details.totalResult).toBe("1")

    const paged = await call("POST", "/management/v1/projects/_search", {
      token: "token-owner-a",
      json: { query: { limit: 1, asc: true } }
    })
    expect(paged.body.result).toHaveLength(1)
    expect(Number(paged.body.details.totalResult)).toBeGreaterThan(1)

    const none = await call("POST", "/management/v1/projects/_search", {
      token: null,
      json: {}
    })
    expect(none.status).toBe(401)
  })

  it("updates, deactivates, reactivates and removes", async () => {
    const id = await newProject()
    const base = `/management/v1/projects/${id}`
    const token = "token-owner-a"

    const change = { name: `renamed-${id}`, hasProjectCheck: true }
    const updated = await call("PUT", base, { token, json: change })
    expect(updated.status).toBe(200)
    expect(updated.body.details.sequence).toBe("2")
    const same = await call("PUT", base, { token, json: change })
    expect(same.body).toEqual(errorBody(9, "COMMAND-2M0fs", "Errors.NoChangesFound"))

    expect((await call("POST", `${base}/_deactivate`, { token })).status).toBe(200)
    const inactive = await call("GET", base, { token })
    expect(inactive.body.project.state).toBe("PROJECT_STATE_INACTIVE")
    expect((await call("POST", `${base}/_deactivate`, { token })).body)
      .toEqual(errorBody(9, "COMMAND-mki55", "Errors.Project.NotActive"))
    expect((await call("POST", `${base}/_reactivate`, { token, json: {} })).status).toBe(200)
    expect((await call("POST", `${base}/_reactivate`, { token })).body)
      .toEqual(errorBody(9, "COMMAND-5M9bs", "Errors.Project.NotInactive"))

    expect((await call("DELETE", base, { token })).status).toBe(200)
    expect((await call("GET", base, { token })).status).toBe(404)
    expect((await call("DELETE", base, { token })).body)
      .toEqual(errorBody(5, "COMMAND-3M9sd", "Errors.Project.NotFound"))
  })

  it("refuses every change to another org's project, route by route", async () => {
    const theirs = await newProject("token-owner-b")
    const base = `/management/v1/projects/${theirs}`
    const token = "token-owner-a"
    const routes: ReadonlyArray<readonly [string, string, unknown, string]> = [
      ["PUT", base, { name: "taken-over" }, "COMMAND-3M9sd"],
      ["POST", `${base}/_deactivate`, undefined, "COMMAND-112M9"],
      ["POST", `${base}/_reactivate`, undefined, "COMMAND-3M9sd"],
      ["DELETE", base, undefined, "COMMAND-3M9sd"]
    ]
    for (const [method, path, json, id] of routes) {
      const own = await call(method, path, { token, json })
      expect([method, path, own.status, own.body.details[0].id]).toEqual([method, path, 404, id])
      const header = await call(method, path, { token, json, org: "orgB" })
      expect([method, path, header.status]).toEqual([method, path, 403])
      const anonymous = await call(method, path, { token: null, json })
      expect(anonymous.status).toBe(401)
    }
    const untouched = await call("GET", base, { token: "token-owner-b" })
    expect(untouched.body.project.state).toBe("PROJECT_STATE_ACTIVE")
    expect(untouched.body.project.details.sequence).toBe("1")
  })

  it("lets a viewer read but not write", async () => {
    const id = await newProject()
    expect((await call("GET", `/management/v1/projects/${id}`, { token: "token-viewer-a" })).status)
      .toBe(200)
    const write = await call("PUT", `/management/v1/projects/${id}`, {
      token: "token-viewer-a",
      json: { name: "nope" }
    })
    expect(write.status).toBe(403)
    const remove = await call("DELETE", `/management/v1/projects/${id}`, {
      token: "token-viewer-a"
    })
    expect(remove.status).toBe(403)
  })
})

describe("OIDC apps", () => {
  it("adds a confidential app and shows its secret once only", async () => {
    const projectId = await newProject()
    const reply = await call("POST", `/management/v1/projects/${projectId}/apps/oidc`, {
      token: "token-owner-a",
      json: { ...webApp, name: "confidential" }
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({
      appId: expect.stringMatching(/^\d+$/),
      clientId: expect.stringMatching(/^\d+$/),
      clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      noneCompliant: false,
      complianceProblems: [],
      details: { resourceOwner: "orgA" }
    })
    const { appId, clientSecret } = reply.body

    const got = await call("GET", `/management/v1/projects/${projectId}/apps/${appId}`, {
      token: "token-owner-a"
    })
    expect(got.status).toBe(200)
    expect(got.body.app).toMatchObject({
      id: appId,
      name: "confidential",
      state: "APP_STATE_ACTIVE",
      oidcConfig: {
        clientId: reply.body.clientId,
        redirectUris: webApp.redirectUris,
        responseTypes: webApp.responseTypes,
        grantTypes: webApp.grantTypes,
        appType: "OIDC_APP_TYPE_WEB",
        authMethodType: "OIDC_AUTH_METHOD_TYPE_BASIC",
        version: "OIDC_VERSION_1_0",
        accessTokenType: "OIDC_TOKEN_TYPE_JWT",
        clockSkew: "1s",
        additionalOrigins: ["https://cdn.example.com"],
        allowedOrigins: ["https://shop.example.com", "https://cdn.example.com"],
        noneCompliant: false,
        complianceProblems: []
      }
    })
    const listed = await call("POST", `/management/v1/projects/${projectId}/apps/_search`, {
      token: "token-owner-a",
      json: {}
    })
    expect(listed.body.result).toHaveLength(1)
    for (const text of [got.text, listed.text]) {
      expect(text).not.toContain(clientSecret)
      expect(text).not.toContain("clientSecret")
      expect(text).not.toContain("$fake$")
    }
  })

  it("regenerates the secret: a new one, shown once", async () => {
    const projectId = await newProject()
    const app = await newApp(projectId)
    const path = `/management/v1/projects/${projectId}/apps/${app.appId}`
    const renewed = await call("POST", `${path}/oidc_config/_generate_client_secret`, {
      token: "token-owner-a",
      json: {}
    })
    expect(renewed.status).toBe(200)
    expect(renewed.body.clientSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect(renewed.body.clientSecret).not.toBe(app.clientSecret)
    const got = await call("GET", path, { token: "token-owner-a" })
    expect(got.text).not.toContain(renewed.body.clientSecret)
  })

  it("adds a public native app without a secret and reports compliance problems", async () => {
    const projectId = await newProject()
    const reply = await call("POST", `/management/v1/projects/${projectId}/apps/oidc`, {
      token: "token-owner-a",
      json: {
        name: "cli",
        redirect_uris: ["http://example.com/cb"],
        response_types: ["OIDC_RESPONSE_TYPE_CODE"],
        grant_types: ["OIDC_GRANT_TYPE_AUTHORIZATION_CODE"],
        app_type: "OIDC_APP_TYPE_NATIVE",
        auth_method_type: "OIDC_AUTH_METHOD_TYPE_NONE"
      }
    })
    expect(reply.status).toBe(200)
    expect(reply.body.clientSecret).toBeUndefined()
    expect(reply.body.noneCompliant).toBe(true)
    expect(reply.body.complianceProblems.map((p: { key: string }) => p.key)).toEqual([
      "Application.OIDC.V1.NotCompliant",
      "Application.OIDC.V1.NotCompliant",
      "Application.OIDC.V1.Native.RedirectUris.MustBeHttpLocalhost"
    ])
  })

  it("rejects invalid settings", async () => {
    const projectId = await newProject()
    const reply = await call("POST", `/management/v1/projects/${projectId}/apps/oidc`, {
      token: "token-owner-a",
      json: { ...webApp, name: "bad", clockSkew: "6s" }
    })
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual(errorBody(3, "PROJECT-1n8df", "Errors.Project.App.Invalid"))
  })

  it("updates the name and the config, and refuses changes that change nothing", async () => {
    const projectId = await newProject()
    const app = await newApp(projectId)
    const path = `/management/v1/projects/${projectId}/apps/${app.appId}`
    const token = "token-owner-a"

    expect((await call("PUT", path, { token, json: { name: "site" } })).status).toBe(200)
    expect((await call("PUT", path, { token, json: { name: "site" } })).body)
      .toEqual(errorBody(9, "COMMAND-2m8vx", "Errors.NoChangesFound"))

    const config = { ...webApp, devMode: true, redirectUris: ["http://localhost:3000/cb"] }
    expect((await call("PUT", `${path}/oidc_config`, { token, json: config })).status).toBe(200)
    expect((await call("PUT", `${path}/oidc_config`, { token, json: config })).body)
      .toEqual(errorBody(9, "COMMAND-1m88i", "Errors.NoChangesFound"))

    const got = await call("GET", path, { token })
    expect(got.body.app).toMatchObject({
      name: "site",
      oidcConfig: { devMode: true, redirectUris: ["http://localhost:3000/cb"] }
    })
  })

  it("deactivates, reactivates and removes an app", async () => {
    const projectId = await newProject()
    const app = await newApp(projectId)
    const path = `/management/v1/projects/${projectId}/apps/${app.appId}`
    const token = "token-owner-a"

    expect((await call("POST", `${path}/_deactivate`, { token })).status).toBe(200)
    expect((await call("GET", path, { token })).body.app.state).toBe("APP_STATE_INACTIVE")
    expect((await call("POST", `${path}/_deactivate`, { token })).body)
      .toEqual(errorBody(9, "COMMAND-dsh35", "Errors.Project.App.NotActive"))
    expect((await call("POST", `${path}/_reactivate`, { token })).status).toBe(200)
    expect((await call("DELETE", path, { token })).status).toBe(200)
    expect((await call("GET", path, { token })).status).toBe(404)
    expect((await call("DELETE", path, { token })).body)
      .toEqual(errorBody(5, "COMMAND-0po9s", "Errors.Project.App.NotExisting"))
  })

  it("keeps another org's apps out of reach, route by route", async () => {
    const projectId = await newProject("token-owner-b")
    const app = await newApp(projectId, "token-owner-b")
    const base = `/management/v1/projects/${projectId}`
    const path = `${base}/apps/${app.appId}`
    const token = "token-owner-a"
    const routes: ReadonlyArray<readonly [string, string, unknown, number, string]> = [
      ["POST", `${base}/apps/oidc`, { ...webApp, name: "x" }, 400, "COMMAND-EbFMN"],
      ["GET", path, undefined, 404, "QUERY-pCP8P"],
      ["PUT", path, { name: "x" }, 404, "COMMAND-28di9"],
      ["PUT", `${path}/oidc_config`, webApp, 404, "COMMAND-2n8uU"],
      ["POST", `${path}/oidc_config/_generate_client_secret`, {}, 404, "COMMAND-2g66f"],
      ["POST", `${path}/_deactivate`, undefined, 404, "COMMAND-ov9d3"],
      ["POST", `${path}/_reactivate`, undefined, 404, "COMMAND-ov9d3"],
      ["DELETE", path, undefined, 404, "COMMAND-0po9s"]
    ]
    for (const [method, route, json, status, id] of routes) {
      const own = await call(method, route, { token, json })
      expect([method, route, own.status, own.body.details[0].id])
        .toEqual([method, route, status, id])
      const header = await call(method, route, { token, json, org: "orgB" })
      expect([method, route, header.status]).toEqual([method, route, 403])
      const anonymous = await call(method, route, { token: null, json })
      expect([method, route, anonymous.status]).toEqual([method, route, 401])
    }
    const listed = await call("POST", `${base}/apps/_search`, { token, json: {} })
    expect(listed.body.result).toEqual([])
    expect((await call("POST", `${base}/apps/_search`, { token, json: {}, org: "orgB" })).status)
      .toBe(403)

    const untouched = await call("GET", path, { token: "token-owner-b" })
    expect(untouched.body.app).toMatchObject({
      name: expect.stringMatching(/^web-/),
      state: "APP_STATE_ACTIVE"
    })
  })

  it("lets a viewer read apps but not change them", async () => {
    const projectId = await newProject()
    const app = await newApp(projectId)
    const path = `/management/v1/projects/${projectId}/apps/${app.appId}`
    expect((await call("GET", path, { token: "token-viewer-a" })).status).toBe(200)
    for (const [method, route] of [
      ["POST", `${path}/oidc_config/_generate_client_secret`],
      ["DELETE", path],
      ["POST", `${path}/_deactivate`]
    ] as const) {
      expect((await call(method, route, { token: "token-viewer-a" })).status).toBe(403)
    }
  })
})
