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

const call = async (method: string, route: string, options: CallOptions = {}): Promise<Response> => {
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
  expect(user.body).toEqual({ id: expect.stringMatching(numericId), creationDate: expect.any(String) })
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
  return { userId: user.body.id as string, token: pat.body.token as string, orgId: org.body.organizationId as string }
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

  it("sessions: the admin starts one with login name and password; Acme's owner reads and ends it", async () => {
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

  it("a wrong password is refused and counted on the user, and the fifth in a row locks", async () => {
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
    expect(fifth).toEqual({ status: 400, body: errorBody(9, "COMMAND-SFA3t", "Errors.User.Locked") })
    expect((await userOf()).state).toBe("USER_STATE_LOCKED")
    const locked = await attempt(password)
    expect(locked).toEqual({ status: 400, body: errorBody(9, "COMMAND-JLK35", "Errors.User.Locked") })

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

    const created = await call("POST", "/v2/web_keys", { body: { ecdsa: { curve: "ECDSA_CURVE_P256" } } })
    expect(created.status).toBe(200)
    expect(created.body).toEqual({ id: expect.stringMatching(numericId), creationDate: expect.stringMatching(isoDate) })
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

  it("every protected route in /openapi.json refuses a missing and a bad token with 401", async () => {
    const document = await call("GET", "/openapi.json", { token: null })
    expect(document.status).toBe(200)
    const isPublic = (route: string) =>
      route.startsWith("/debug/") ||
      ["/openapi.json", "/oauth/v2/keys", "/.well-known/openid-configuration"].includes(route)
    const routes: Array<[string, string]> = []
    for (const [route, operations] of Object.entries<Record<string, unknown>>(document.body.paths)) {
      for (const method of Object.keys(operations)) {
        if (!isPublic(route)) routes.push([method.toUpperCase(), route])
      }
    }
    // the groups of the identity foundation are all there
    for (const prefix of ["/v2/organizations", "/v2/users", "/management/v1/projects", "/v2/sessions", "/v2/web_keys"]) {
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
})
