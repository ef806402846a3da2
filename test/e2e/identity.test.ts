import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {
  type Exit,
  killStarted,
  listeningPort,
  portIsFree,
  type ServerProcess,
  startServer,
  stopServer
} from "./process.js"

/**
 * The identity foundation against one real server process on an embedded database in a fresh
 * folder: org owners made by the admin, a human user with a password, a project with an OIDC
 * app, sessions with password checks and lockout, web key rotation seen on the public key set,
 * and every protected route refusing callers without a valid token or from another org. The
 * cases run in order and share what they create.
 */

interface Response {
  readonly status: number
  readonly body: any
}

const externalUrl = "https://auth.citadel.test"
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "citadel-identity-"))
const dataDir = path.join(workDir, "data")
const settings = {
  HOST: "127.0.0.1",
  PORT: "0",
  CITADEL_DATA_DIR: dataDir,
  CITADEL_EXTERNAL_URL: externalUrl
}

let server: ServerProcess
let port = 0

/** Bearer tokens by caller: the admin (token file) and the two org owners. */
const tokens = { admin: "", acme: "", globex: "" }

interface CallOptions {
  readonly body?: unknown
  /** The caller's token; null sends no Authorization header. */
  readonly token?: string | null
  readonly headers?: Readonly<Record<string, string>>
}

const call = async (
  method: string,
  route: string,
  options: CallOptions = {}
): Promise<Response> => {
  const token = options.token === undefined ? tokens.admin : options.token
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...options.headers
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
  })
  const text = await response.text()
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) }
}

/** ZITADEL's error body as the server writes it. */
const errorBody = (code: number, id: string, message: string, detail?: string) => ({
  code,
  message: `${detail === undefined ? message : `${message}: ${detail}`} (${id})`,
  details: [{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id, message }]
})

const denied = (permission: string) =>
  errorBody(7, "AUTHZ-HKJD33", "Errors.PermissionDenied", `missing ${permission}`)

/** Polls `read` for at most two seconds until it yields `wanted`; returns the last value. */
const eventually = async <A>(read: () => Promise<A>, wanted: A): Promise<A> => {
  const deadline = Date.now() + 2_000
  let value = await read()
  while (value !== wanted && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    value = await read()
  }
  return value
}

const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const numericId = /^\d+$/

const password = "Sup3r-Secret!pw"
const ids = {
  defaultOrg: "",
  acmeOwner: "",
  globexOwner: "",
  acme: "",
  globex: "",
  alice: "",
  project: "",
  app: "",
  clientId: "",
  session: ""
}
let aliceSessionToken = ""

/** Acme's org headers for the management API. */
const inAcme = { "x-zitadel-orgid": "" }

beforeAll(async () => {
  server = startServer(workDir, settings)
  port = await listeningPort(server, 55_000)
  tokens.admin = fs.readFileSync(path.join(dataDir, "admin.pat"), "utf8").trim()
})

afterAll(() => {
  killStarted()
  fs.rmSync(workDir, { recursive: true, force: true })
})

/** Creates a machine user in the default org with a token, and an org it owns. */
const ownedOrg = async (orgName: string, userName: string) => {
  const user = await call("POST", "/v2/users/new", {
    body: { organizationId: ids.defaultOrg, username: userName, machine: { name: orgName } }
  })
  expect(user.status).toBe(201)
  expect(user.body).toEqual({
    id: expect.stringMatching(numericId),
    creationDate: expect.stringMatching(isoDate)
  })
  const pat = await call("POST", `/v2/users/${user.body.id}/pats`, { body: {} })
  expect(pat.status).toBe(200)
  expect(pat.body).toEqual({
    creationDate: expect.stringMatching(isoDate),
    tokenId: expect.stringMatching(numericId),
    token: expect.stringMatching(/^[\w-]{20,}$/)
  })
  const org = await call("POST", "/v2/organizations", {
    body: { name: orgName, admins: [{ userId: user.body.id, roles: ["ORG_OWNER"] }] }
  })
  expect(org.status).toBe(201)
  expect(org.body).toEqual({
    details: {
      sequence: expect.stringMatching(numericId),
      changeDate: expect.stringMatching(isoDate),
      resourceOwner: org.body.organizationId,
      creationDate: org.body.details.changeDate
    },
    organizationId: expect.stringMatching(numericId),
    createdAdmins: []
  })
  return {
    userId: user.body.id as string,
    token: pat.body.token as string,
    orgId: org.body.organizationId as string
  }
}

describe("identity foundation on the server process", () => {
  it("the admin makes a machine user owner of Acme and another of Globex", async () => {
    const defaults = await call("POST", "/v2/organizations/_search", {
      body: { queries: [{ defaultQuery: {} }] }
    })
    expect(defaults.status).toBe(200)
    expect(defaults.body.result).toHaveLength(1)
    ids.defaultOrg = defaults.body.result[0].id

    const acme = await ownedOrg("Acme", "acme-owner")
    const globex = await ownedOrg("Globex", "globex-owner")
    Object.assign(ids, { acmeOwner: acme.userId, acme: acme.orgId })
    Object.assign(ids, { globexOwner: globex.userId, globex: globex.orgId })
    Object.assign(tokens, { acme: acme.token, globex: globex.token })
    inAcme["x-zitadel-orgid"] = ids.acme

    // Each owner sees its own org only; the admin sees all three.
    const byName = { sortingColumn: "ORGANIZATION_FIELD_NAME_NAME", query: { asc: true } }
    const seenBy = async (token: string) => {
      const listed = await call("POST", "/v2/organizations/_search", { body: byName, token })
      expect(listed.status).toBe(200)
      return listed.body.result.map((org: any) => [org.name, org.id, org.state])
    }
    expect(await seenBy(tokens.acme)).toEqual([["Acme", ids.acme, "ORGANIZATION_STATE_ACTIVE"]])
    expect(await seenBy(tokens.globex)).toEqual([
      ["Globex", ids.globex, "ORGANIZATION_STATE_ACTIVE"]
    ])
    expect((await seenBy(tokens.admin)).map((row: Array<string>) => row[1]).sort()).toEqual(
      [ids.defaultOrg, ids.acme, ids.globex].sort()
    )
    // An org owner is no instance owner.
    const refused = await call("POST", "/v2/organizations", {
      body: { name: "Initech" },
      token: tokens.acme
    })
    expect(refused).toEqual({ status: 403, body: denied("org.create") })
  })

  it("Acme's owner adds a human user with a password", async () => {
    const added = await call("POST", "/v2/users/human", {
      token: tokens.acme,
      body: {
        username: "alice",
        organization: { orgId: ids.acme },
        profile: { givenName: "Alice", familyName: "Anders" },
        email: { email: "alice@acme.test", isVerified: true },
        password: { password, changeRequired: false }
      }
    })
    expect(added.status).toBe(201)
    expect(added.body).toEqual({
      userId: expect.stringMatching(numericId),
      details: {
        sequence: expect.stringMatching(numericId),
        changeDate: expect.stringMatching(isoDate),
        resourceOwner: ids.acme
      }
    })
    ids.alice = added.body.userId

    const read = await call("GET", `/v2/users/${ids.alice}`, { token: tokens.acme })
    expect(read.status).toBe(200)
    expect(read.body.user).toMatchObject({
      userId: ids.alice,
      state: "USER_STATE_ACTIVE",
      username: "alice",
      loginNames: ["alice"],
      preferredLoginName: "alice",
      human: {
        profile: { givenName: "Alice", familyName: "Anders", displayName: "Alice Anders" },
        email: { email: "alice@acme.test", isVerified: true },
        passwordChangeRequired: false,
        passwordChanged: expect.stringMatching(isoDate)
      }
    })
    expect(read.body.user.details.resourceOwner).toBe(ids.acme)
    expect(JSON.stringify(read.body)).not.toContain(password)
  })

  it("Acme's owner creates a project and a web OIDC app whose secret is shown once", async () => {
    const project = await call("POST", "/management/v1/projects", {
      token: tokens.acme,
      headers: inAcme,
      body: { name: "Portal", projectRoleAssertion: true }
    })
    expect(project.status).toBe(200)
    expect(project.body).toEqual({
      id: expect.stringMatching(numericId),
      details: {
        sequence: expect.stringMatching(numericId),
        creationDate: expect.stringMatching(isoDate),
        changeDate: expect.stringMatching(isoDate),
        resourceOwner: ids.acme
      }
    })
    ids.project = project.body.id

    const app = await call("POST", `/management/v1/projects/${ids.project}/apps/oidc`, {
      token: tokens.acme,
      headers: inAcme,
      body: {
        name: "portal-web",
        redirectUris: ["https://portal.acme.test/callback"],
        responseTypes: ["OIDC_RESPONSE_TYPE_CODE"],
        grantTypes: ["OIDC_GRANT_TYPE_AUTHORIZATION_CODE"],
        appType: "OIDC_APP_TYPE_WEB",
        authMethodType: "OIDC_AUTH_METHOD_TYPE_BASIC"
      }
    })
    expect(app.status).toBe(200)
    expect(app.body).toEqual({
      appId: expect.stringMatching(numericId),
      details: {
        sequence: expect.stringMatching(numericId),
        creationDate: expect.stringMatching(isoDate),
        changeDate: expect.stringMatching(isoDate),
        resourceOwner: ids.acme
      },
      clientId: expect.any(String),
      clientSecret: expect.stringMatching(/^\S{32,}$/),
      noneCompliant: false,
      complianceProblems: []
    })
    ids.app = app.body.appId
    ids.clientId = app.body.clientId
    const secret: string = app.body.clientSecret

    const read = await call("GET", `/management/v1/projects/${ids.project}/apps/${ids.app}`, {
      token: tokens.acme,
      headers: inAcme
    })
    expect(read.status).toBe(200)
    expect(read.body.app).toMatchObject({
      id: ids.app,
      state: "APP_STATE_ACTIVE",
      name: "portal-web",
      oidcConfig: {
        redirectUris: ["https://portal.acme.test/callback"],
        responseTypes: ["OIDC_RESPONSE_TYPE_CODE"],
        grantTypes: ["OIDC_GRANT_TYPE_AUTHORIZATION_CODE"],
        appType: "OIDC_APP_TYPE_WEB",
        clientId: ids.clientId,
        authMethodType: "OIDC_AUTH_METHOD_TYPE_BASIC",
        noneCompliant: false,
        allowedOrigins: ["https://portal.acme.test"]
      }
    })
    const listed = await call("POST", `/management/v1/projects/${ids.project}/apps/_search`, {
      token: tokens.acme,
      headers: inAcme,
      body: {}
    })
    expect(listed.status).toBe(200)
    expect(listed.body.result.map((a: any) => a.id)).toEqual([ids.app])
    for (const reply of [read, listed]) {
      expect(JSON.stringify(reply.body)).not.toContain(secret)
      expect(JSON.stringify(reply.body)).not.toContain("clientSecret")
    }
    expect(server.stdout() + server.stderr()).not.toContain(secret)
  })

  it("the admin opens a session by login name and password; Acme's owner ends it", async () => {
    const checks = { user: { loginName: "ALICE" }, password: { password } }
    // Creating sessions is for the instance (the login), not for org owners, as in ZITADEL.
    const byOwner = await call("POST", "/v2/sessions", { token: tokens.acme, body: { checks } })
    expect(byOwner).toEqual({ status: 403, body: denied("session.write") })

    const created = await call("POST", "/v2/sessions", { body: { checks } })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({
      details: {
        sequence: expect.stringMatching(numericId),
        changeDate: expect.stringMatching(isoDate),
        resourceOwner: expect.any(String)
      },
      sessionId: expect.stringMatching(numericId),
      sessionToken: expect.stringMatching(/^\S{20,}$/)
    })
    ids.session = created.body.sessionId
    aliceSessionToken = created.body.sessionToken

    const listed = await call("POST", "/v2/sessions/search", {
      token: tokens.acme,
      body: { queries: [{ userIdQuery: { id: ids.alice } }] }
    })
    expect(listed.status).toBe(200)
    expect(listed.body.details.totalResult).toBe("1")
    expect(listed.body.sessions.map((s: any) => s.id)).toEqual([ids.session])

    const read = await call("GET", `/v2/sessions/${ids.session}`, { token: tokens.acme })
    expect(read.status).toBe(200)
    expect(read.body.session).toEqual(listed.body.sessions[0])
    expect(read.body.session).toMatchObject({
      id: ids.session,
      factors: {
        user: {
          verifiedAt: expect.stringMatching(isoDate),
          id: ids.alice,
          loginName: "alice",
          displayName: "Alice Anders",
          organizationId: ids.acme
        },
        password: { verifiedAt: expect.stringMatching(isoDate) }
      },
      metadata: {}
    })

    const wrongToken = await call("DELETE", `/v2/sessions/${ids.session}`, {
      token: tokens.globex,
      body: { sessionToken: `${aliceSessionToken}x` }
    })
    expect(wrongToken).toEqual({
      status: 403,
      body: errorBody(7, "COMMAND-sGr42", "Errors.Session.Token.Invalid")
    })
    const removed = await call("DELETE", `/v2/sessions/${ids.session}`, {
      token: tokens.acme,
      body: { sessionToken: aliceSessionToken }
    })
    expect(removed.status).toBe(200)
    expect(removed.body.details.changeDate).toMatch(isoDate)
    const gone = await call("GET", `/v2/sessions/${ids.session}`, { token: tokens.acme })
    expect(gone).toEqual({
      status: 404,
      body: errorBody(5, "QUERY-SFeaa", "Errors.Session.NotExisting")
    })
    const none = await call("POST", "/v2/sessions/search", {
      token: tokens.acme,
      body: { queries: [{ userIdQuery: { id: ids.alice } }] }
    })
    expect(none.body.details.totalResult).toBe("0")
  })

  it("a wrong password is refused and counted; the fifth in a row locks the user", async () => {
    const userOf = async () => (await call("GET", `/v2/users/${ids.alice}`)).body.user
    const before = await userOf()
    const attempt = (secret: string) =>
      call("POST", "/v2/sessions", {
        body: { checks: { user: { loginName: "alice" }, password: { password: secret } } }
      })

    const wrong = await attempt("not-the-password")
    expect(wrong).toEqual({
      status: 400,
      body: errorBody(3, "COMMAND-3M0fs", "Errors.User.Password.Invalid")
    })
    // Checks are not shown on the user; the count shows when the fifth failure in a row locks.
    expect(await userOf()).toEqual(before)
    const sessions = await call("POST", "/v2/sessions/search", {
      body: { queries: [{ userIdQuery: { id: ids.alice } }] }
    })
    expect(sessions.body.details.totalResult).toBe("0")

    for (let i = 2; i <= 4; i++) expect((await attempt(`wrong-${i}`)).status).toBe(400)
    const fifth = await attempt("wrong-5")
    expect(fifth).toEqual({
      status: 400,
      body: errorBody(9, "COMMAND-SFA3t", "Errors.User.Locked")
    })
    const locked = await attempt(password)
    // the user check refuses the locked user before its password is looked at
    expect(locked).toEqual({
      status: 400,
      body: errorBody(9, "SESSION-Gj4ko", "Errors.User.NotActive")
    })
    // A refused check does not wait for the read models, so the lock shows a moment later.
    expect(await eventually(async () => (await userOf()).state, "USER_STATE_LOCKED")).toBe(
      "USER_STATE_LOCKED"
    )

    const unlocked = await call("POST", `/v2/users/${ids.alice}/unlock`, { token: tokens.acme })
    expect(unlocked.status).toBe(200)
    expect((await userOf()).state).toBe("USER_STATE_ACTIVE")
    const again = await attempt(password)
    expect(again.status).toBe(201)
    // kept for the cross-org checks below
    ids.session = again.body.sessionId
    aliceSessionToken = again.body.sessionToken
  })

  it("the admin rotates the web key and the public key set follows", async () => {
    const jwks = async () => {
      const reply = await call("GET", "/oauth/v2/keys", { token: null })
      expect(reply.status).toBe(200)
      return (reply.body.keys as Array<any>).map((key) => key.kid as string).sort()
    }
    const webKeys = async () => {
      const reply = await call("GET", "/v2/web_keys")
      expect(reply.status).toBe(200)
      return reply.body.webKeys as Array<{ id: string; state: string }>
    }
    const initial = await webKeys()
    const active = initial.filter((key) => key.state === "STATE_ACTIVE")
    expect(active).toHaveLength(1)
    const oldKid = active[0]!.id
    expect(await jwks()).toEqual(initial.map((key) => key.id).sort())

    const created = await call("POST", "/v2/web_keys", {
      body: { ecdsa: { curve: "ECDSA_CURVE_P256" } }
    })
    expect(created.status).toBe(200)
    expect(created.body).toEqual({
      id: expect.stringMatching(numericId),
      creationDate: expect.stringMatching(isoDate)
    })
    const newKid: string = created.body.id
    const activated = await call("POST", `/v2/web_keys/${newKid}/activate`, { body: {} })
    expect(activated.status).toBe(200)
    expect(activated.body.changeDate).toMatch(isoDate)

    const states = Object.fromEntries((await webKeys()).map((key) => [key.id, key.state]))
    expect(states[newKid]).toBe("STATE_ACTIVE")
    expect(states[oldKid]).toBe("STATE_INACTIVE")
    const rotated = await jwks()
    expect(rotated).toContain(newKid)
    expect(rotated).toContain(oldKid)
    const newJwk = (await call("GET", "/oauth/v2/keys", { token: null })).body.keys
      .find((key: any) => key.kid === newKid)
    expect(newJwk).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" })
    expect(newJwk).not.toHaveProperty("d")

    const deleted = await call("DELETE", `/v2/web_keys/${oldKid}`)
    expect(deleted.status).toBe(200)
    expect(deleted.body.deletionDate).toMatch(isoDate)
    const after = await jwks()
    expect(after).not.toContain(oldKid)
    expect(after).toEqual(rotated.filter((kid) => kid !== oldKid))
    // the active key cannot be deleted
    const refused = await call("DELETE", `/v2/web_keys/${newKid}`)
    expect(refused.status).toBe(400)

    const discovery = await call("GET", "/.well-known/openid-configuration", { token: null })
    expect(discovery.status).toBe(200)
    expect(discovery.body).toMatchObject({
      issuer: externalUrl,
      jwks_uri: `${externalUrl}/oauth/v2/keys`
    })
    expect(discovery.body.id_token_signing_alg_values_supported).toContain("ES256")
  })

  it("every protected route of /openapi.json answers a missing or bad token with 401", async () => {
    const document = await call("GET", "/openapi.json", { token: null })
    expect(document.status).toBe(200)
    const isPublic = (route: string) =>
      route.startsWith("/debug/") ||
      ["/openapi.json", "/oauth/v2/keys", "/.well-known/openid-configuration"].includes(route)
    const routes: Array<[string, string]> = []
    const paths: Record<string, Record<string, unknown>> = document.body.paths
    for (const [route, operations] of Object.entries(paths)) {
      for (const method of Object.keys(operations)) {
        if (!isPublic(route)) routes.push([method.toUpperCase(), route])
      }
    }
    // the groups of the identity foundation are all there
    const groups = [
      "/v2/organizations",
      "/v2/users",
      "/management/v1/projects",
      "/v2/sessions",
      "/v2/web_keys"
    ]
    for (const prefix of groups) {
      expect(routes.some(([, route]) => route.startsWith(prefix)), prefix).toBe(true)
    }
    expect(routes.length).toBeGreaterThanOrEqual(50)

    const failures: Array<string> = []
    for (const [method, route] of routes) {
      const filled = route.replace(/\{[^}]+\}/g, "404404404")
      const body = method === "GET" ? undefined : {}
      const missing = await call(method, filled, { token: null, body })
      const bad = await call(method, filled, { token: `${tokens.admin}x`, body })
      const expected = [
        [401, errorBody(16, "APP-Reb32", "Errors.Token.Invalid")],
        [401, errorBody(16, "APP-BxUSiL", "Errors.Token.Invalid")]
      ]
      const got = [[missing.status, missing.body], [bad.status, bad.body]]
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        failures.push(`${method} ${route}: ${JSON.stringify(got)}`)
      }
    }
    expect(failures).toEqual([])
  }, 30_000)

  it("Globex's owner can neither read nor change anything of Acme", async () => {
    const inGlobex = { "x-zitadel-orgid": ids.globex }
    const project = `/management/v1/projects/${ids.project}`
    const app = `${project}/apps/${ids.app}`
    const oidc = {
      redirectUris: ["https://evil.globex.test/callback"],
      responseTypes: ["OIDC_RESPONSE_TYPE_CODE"],
      grantTypes: ["OIDC_GRANT_TYPE_AUTHORIZATION_CODE"],
      appType: "OIDC_APP_TYPE_WEB"
    }
    const human = {
      username: "mallory",
      profile: { givenName: "Mallory", familyName: "Globex" },
      email: { email: "mallory@globex.test" }
    }
    const projectNotFound = errorBody(5, "QUERY-fk2fs", "Errors.Project.NotFound")
    const missingProject = (id: string) => errorBody(5, id, "Errors.Project.NotFound")
    const missingApp = (id: string) => errorBody(5, id, "Errors.Project.App.NotExisting")
    type Case = readonly [string, string, unknown, Record<string, string>, number, unknown]
    const cases: ReadonlyArray<Case> = [
      // orgs
      ["POST", `/v2/organizations/${ids.acme}`, { name: "Hacked" }, {}, 403, denied("org.write")],
      ["DELETE", `/v2/organizations/${ids.acme}`, undefined, {}, 403, denied("org.delete")],
      ["POST", `/v2/organizations/${ids.acme}/deactivate`, {}, {}, 403, denied("org.write")],
      ["POST", `/v2/organizations/${ids.acme}/activate`, {}, {}, 403, denied("org.write")],
      // users
      ["GET", `/v2/users/${ids.alice}`, undefined, {}, 403, denied("user.read")],
      ["DELETE", `/v2/users/${ids.alice}`, undefined, {}, 403, denied("user.delete")],
      [
        "POST",
        `/v2/users/${ids.alice}/password`,
        { newPassword: { password: "Hijack3d!pass" } },
        {},
        403,
        denied("user.write")
      ],
      ["POST", `/v2/users/${ids.alice}/deactivate`, {}, {}, 403, denied("user.write")],
      ["POST", `/v2/users/${ids.alice}/reactivate`, {}, {}, 403, denied("user.write")],
      ["POST", `/v2/users/${ids.alice}/lock`, {}, {}, 403, denied("user.write")],
      ["POST", `/v2/users/${ids.alice}/unlock`, {}, {}, 403, denied("user.write")],
      ["POST", `/v2/users/${ids.alice}/pats`, {}, {}, 403, denied("user.write")],
      ["DELETE", `/v2/users/${ids.alice}/pats/404404`, undefined, {}, 403, denied("user.write")],
      ["POST", `/v2/users/${ids.alice}/secret`, {}, {}, 403, denied("user.write")],
      ["DELETE", `/v2/users/${ids.alice}/secret`, undefined, {}, 403, denied("user.write")],
      [
        "POST",
        "/v2/users/human",
        { ...human, organization: { orgId: ids.acme } },
        {},
        403,
        denied("user.write")
      ],
      [
        "POST",
        "/v2/users/new",
        { organizationId: ids.acme, username: "mallory", machine: { name: "Mallory" } },
        {},
        403,
        denied("user.write")
      ],
      // projects and apps, naming Acme in the header
      [
        "POST",
        "/management/v1/projects",
        { name: "Trojan" },
        inAcme,
        403,
        denied("project.create")
      ],
      ["GET", project, undefined, inAcme, 403, denied("project.read")],
      ["PUT", project, { name: "Hacked" }, inAcme, 403, denied("project.write")],
      ["DELETE", project, undefined, inAcme, 403, denied("project.delete")],
      ["POST", "/management/v1/projects/_search", {}, inAcme, 403, denied("project.read")],
      ["POST", `${project}/_deactivate`, {}, inAcme, 403, denied("project.write")],
      ["POST", `${project}/_reactivate`, {}, inAcme, 403, denied("project.write")],
      [
        "POST",
        `${project}/apps/oidc`,
        { name: "trojan", ...oidc },
        inAcme,
        403,
        denied("project.app.write")
      ],
      ["POST", `${project}/apps/_search`, {}, inAcme, 403, denied("project.app.read")],
      ["GET", app, undefined, inAcme, 403, denied("project.app.read")],
      ["PUT", app, { name: "hacked" }, inAcme, 403, denied("project.app.write")],
      ["DELETE", app, undefined, inAcme, 403, denied("project.app.delete")],
      ["PUT", `${app}/oidc_config`, oidc, inAcme, 403, denied("project.app.write")],
      [
        "POST",
        `${app}/oidc_config/_generate_client_secret`,
        {},
        inAcme,
        403,
        denied("project.app.write")
      ],
      ["POST", `${app}/_deactivate`, {}, inAcme, 403, denied("project.app.write")],
      ["POST", `${app}/_reactivate`, {}, inAcme, 403, denied("project.app.write")],
      // projects and apps by id, in Globex's own org: Acme's ids do not exist there
      ["GET", project, undefined, inGlobex, 404, projectNotFound],
      ["PUT", project, { name: "Hacked" }, inGlobex, 404, missingProject("COMMAND-3M9sd")],
      ["DELETE", project, undefined, inGlobex, 404, missingProject("COMMAND-3M9sd")],
      ["POST", `${project}/_deactivate`, {}, inGlobex, 404, missingProject("COMMAND-112M9")],
      // ZITADEL answers a missing project here with FailedPrecondition, so 400
      [
        "POST",
        `${project}/apps/oidc`,
        { name: "trojan", ...oidc },
        inGlobex,
        400,
        errorBody(9, "COMMAND-EbFMN", "Errors.Project.NotFound")
      ],
      ["GET", app, undefined, inGlobex, 404, errorBody(5, "QUERY-pCP8P", "Errors.App.NotExisting")],
      ["PUT", app, { name: "hacked" }, inGlobex, 404, missingApp("COMMAND-28di9")],
      // ORG_OWNER holds no project.app.delete (ZITADEL's default role mapping)
      ["DELETE", app, undefined, inGlobex, 403, denied("project.app.delete")],
      ["PUT", `${app}/oidc_config`, oidc, inGlobex, 404, missingApp("COMMAND-2n8uU")],
      [
        "POST",
        `${app}/oidc_config/_generate_client_secret`,
        {},
        inGlobex,
        404,
        missingApp("COMMAND-2g66f")
      ],
      ["POST", `${app}/_deactivate`, {}, inGlobex, 404, missingApp("COMMAND-ov9d3")],
      // sessions
      ["GET", `/v2/sessions/${ids.session}`, undefined, {}, 403, denied("session.read")],
      [
        "PATCH",
        `/v2/sessions/${ids.session}`,
        { metadata: { k: "dg==" } },
        {},
        403,
        denied("session.write")
      ],
      ["DELETE", `/v2/sessions/${ids.session}`, {}, {}, 403, denied("session.delete")],
      [
        "POST",
        "/v2/sessions",
        { checks: { user: { userId: ids.alice } } },
        {},
        403,
        denied("session.write")
      ]
    ]

    const snapshot = async () => ({
      org: (await call("POST", "/v2/organizations/_search", {
        body: { queries: [{ idQuery: { id: ids.acme } }] }
      })).body.result,
      user: (await call("GET", `/v2/users/${ids.alice}`)).body.user,
      users: (await call("POST", "/v2/users", {
        body: { queries: [{ organizationIdQuery: { organizationId: ids.acme } }] }
      })).body.result,
      projects: (await call("POST", "/management/v1/projects/_search", {
        headers: inAcme,
        body: {}
      })).body.result,
      apps: (await call("POST", `${project}/apps/_search`, { headers: inAcme, body: {} })).body
        .result,
      session: (await call("GET", `/v2/sessions/${ids.session}`)).body.session,
      globexProjects: (await call("POST", "/management/v1/projects/_search", {
        headers: inGlobex,
        body: {}
      })).body.result
    })
    const before = await snapshot()
    expect(before.org).toHaveLength(1)
    expect(before.users.map((u: any) => u.userId)).toEqual([ids.alice])
    expect(before.projects.map((p: any) => p.id)).toEqual([ids.project])
    expect(before.apps.map((a: any) => a.id)).toEqual([ids.app])
    expect(before.session.id).toBe(ids.session)
    expect(before.globexProjects).toEqual([])

    const got: Array<string> = []
    const want: Array<string> = []
    for (const [method, route, body, headers, status, expected] of cases) {
      const reply = await call(method, route, { token: tokens.globex, body, headers })
      const where = headers["x-zitadel-orgid"] === ids.globex ? " (in Globex)" : ""
      const label = `${method} ${route}${where}`
      got.push(`${label} -> ${reply.status} ${JSON.stringify(reply.body)}`)
      want.push(`${label} -> ${status} ${JSON.stringify(expected)}`)
    }
    expect(got).toEqual(want)

    // Searches answer, but show nothing of Acme.
    const users = await call("POST", "/v2/users", {
      token: tokens.globex,
      body: { queries: [{ organizationIdQuery: { organizationId: ids.acme } }] }
    })
    expect([users.status, users.body.details.totalResult, users.body.result])
      .toEqual([200, "0", []])
    const orgs = await call("POST", "/v2/organizations/_search", {
      token: tokens.globex,
      body: { queries: [{ idQuery: { id: ids.acme } }] }
    })
    expect([orgs.status, orgs.body.details.totalResult, orgs.body.result]).toEqual([200, "0", []])
    const sessions = await call("POST", "/v2/sessions/search", {
      token: tokens.globex,
      body: { queries: [{ idsQuery: { ids: [ids.session] } }] }
    })
    expect([sessions.status, sessions.body.details.totalResult]).toEqual([200, "0"])
    const projects = await call("POST", "/management/v1/projects/_search", {
      token: tokens.globex,
      headers: inGlobex,
      body: {}
    })
    expect([projects.status, projects.body.result]).toEqual([200, []])

    // Nothing changed: same reads, Alice's password and session token still work.
    expect(await snapshot()).toEqual(before)
    // Only the session token opens Alice's session to Globex's owner.
    const byToken = await call(
      "GET",
      `/v2/sessions/${ids.session}?sessionToken=${encodeURIComponent(aliceSessionToken)}`,
      { token: tokens.globex }
    )
    expect(byToken.status).toBe(200)
    const login = await call("POST", "/v2/sessions", {
      body: { checks: { user: { loginName: "alice" }, password: { password } } }
    })
    expect(login.status).toBe(201)
  })

  it("stops on SIGTERM by pid with a clean exit and frees the port", async () => {
    const exit: Exit = await stopServer(server, "SIGTERM")

    expect([{ code: 0, signal: null }, { code: null, signal: "SIGTERM" }]).toContainEqual(exit)
    expect(server.stderr()).not.toMatch(/^\s+at /m)
    expect(server.stdout()).not.toContain("level=ERROR")
    expect(await portIsFree(port)).toBe(true)
    const output = server.stdout() + server.stderr()
    for (const secret of [tokens.admin, tokens.acme, tokens.globex, password, aliceSessionToken]) {
      expect(output).not.toContain(secret)
    }
    // the access log names the path of GetSession, not the session token in its query
    expect(output).toContain(
      `http.status=200 http.method=GET http.url=/v2/sessions/${ids.session}\n`
    )
    expect(output).not.toContain("sessionToken=")
  })
})
