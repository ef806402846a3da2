/**
 * The Session service v2 over HTTP, against the real server layer on 127.0.0.1 with an embedded
 * database. Two orgs (ACME with an ORG_OWNER, Globex), a viewer of the instance and a user
 * without roles are written as events before the server's first start; humans with passwords
 * are added through the user service.
 */
import { Identity } from "@citadel/domain"
import { describe, expect, it } from "@effect/vitest"
import { acme, denied, errorBody, globex, isoDate, orgSuite } from "./orgSuite.js"

const tokens = {
  acmeOwner: "ses-acme-owner-token-0123456789",
  viewer: "ses-viewer-token-0123456789",
  nobody: "ses-nobody-token-0123456789"
} as const

const { call } = orgSuite({
  masterKey: "citadel-ses-tests-master-key-32b",
  dirPrefix: "citadel-sess-",
  users: [
    ["acme-owner", acme, tokens.acmeOwner],
    ["viewer", globex, tokens.viewer],
    ["nobody", globex, tokens.nobody]
  ],
  instanceMember: { userId: "viewer", roles: ["IAM_OWNER_VIEWER"] }
})

// Helpers ------------------------------------------------------------------------------------

const invalidToken = errorBody(7, "COMMAND-sGr42", "Errors.Session.Token.Invalid")

const password = "Password1!"
let counter = 0

/** Adds a human with {@link password} to an org; returns its id and user name. */
const addHuman = async (orgId = acme) => {
  counter += 1
  const userName = `sess-human${counter}`
  const reply = await call("POST", "/v2/users/human", {
    json: {
      organization: { orgId },
      username: userName,
      profile: { givenName: "Ada", familyName: "Lovelace", displayName: "Ada L." },
      email: { email: `${userName}@example.com`, isVerified: true },
      password: { password }
    }
  })
  expect(reply.status, JSON.stringify(reply.body)).toBe(201)
  return { userId: reply.body.userId as string, userName }
}

const create = (json: unknown, token?: string) =>
  call("POST", "/v2/sessions", { json, ...(token === undefined ? {} : { token }) })

/** Creates a session and returns its id and token, failing the test on anything but 201. */
const created = async (json: unknown) => {
  const reply = await create(json)
  expect(reply.status, JSON.stringify(reply.body)).toBe(201)
  return { sessionId: reply.body.sessionId as string, token: reply.body.sessionToken as string }
}

const get = (id: string, options: { readonly token?: string; readonly sessionToken?: string } = {}) =>
  call(
    "GET",
    `/v2/sessions/${id}${options.sessionToken === undefined ? "" : `?sessionToken=${encodeURIComponent(options.sessionToken)}`}`,
    options.token === undefined ? {} : { token: options.token }
  )

const set = (id: string, json: unknown, token?: string) =>
  call("PATCH", `/v2/sessions/${id}`, { json, ...(token === undefined ? {} : { token }) })

const remove = (id: string, json: unknown, token?: string) =>
  call("DELETE", `/v2/sessions/${id}`, { json, ...(token === undefined ? {} : { token }) })

const search = (json: unknown, token?: string) =>
  call("POST", "/v2/sessions/search", { json, ...(token === undefined ? {} : { token }) })

const userState = async (userId: string) =>
  (await call("GET", `/v2/users/${userId}`)).body.user.state

/**
 * The user's state once the users read model shows `expected` (or after 5 s): a refused check
 * returns no position to wait for, so the lock reaches the read model a moment later.
 */
const eventualUserState = async (userId: string, expected: string) => {
  for (let waited = 0; waited < 5_000; waited += 100) {
    const state = await userState(userId)
    if (state === expected) return state
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return userState(userId)
}

// Tests --------------------------------------------------------------------------------------

describe("SessionService › authentication", () => {
  it.each([
    ["POST", "/v2/sessions"],
    ["PATCH", "/v2/sessions/1"],
    ["DELETE", "/v2/sessions/1"],
    ["GET", "/v2/sessions/1"],
    ["POST", "/v2/sessions/search"]
  ])("%s %s answers 401 without a token", async (method, target) => {
    const reply = await call(method, target, { token: null, ...(method === "GET" ? {} : { json: {} }) })
    expect(reply.status).toBe(401)
    expect(reply.body.code).toBe(16)
  })
})

describe("CreateSession", () => {
  it("creates a session with user and password checks and shows its factors", async () => {
    const { userId, userName } = await addHuman()
    const reply = await create({
      checks: { user: { loginName: userName.toUpperCase() }, password: { password } },
      metadata: { "my_key": Buffer.from("value").toString("base64") },
      user_agent: {
        fingerprint_id: "fp-1",
        ip: "127.0.0.1",
        description: "firefox",
        header: { "x-my_header": { values: ["a", "b"] } }
      },
      lifetime: "3600s"
    })
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)
    expect(Object.keys(reply.body).sort()).toEqual(["details", "sessionId", "sessionToken"])
    expect(reply.body.sessionToken).toMatch(/^[A-Za-z0-9_-]{43,}$/)
    expect(reply.body.details.resourceOwner).toBe(Identity.defaultInstanceId)

    const shown = await get(reply.body.sessionId)
    expect(shown.status).toBe(200)
    const session = shown.body.session
    expect(session).toEqual({
      id: reply.body.sessionId,
      creationDate: expect.stringMatching(isoDate),
      changeDate: session.creationDate,
      sequence: "6",
      factors: {
        user: {
          verifiedAt: expect.stringMatching(isoDate),
          id: userId,
          loginName: userName,
          displayName: "Ada L.",
          organizationId: acme
        },
        password: { verifiedAt: expect.stringMatching(isoDate) }
      },
      metadata: { "my_key": Buffer.from("value").toString("base64") },
      userAgent: {
        fingerprintId: "fp-1",
        ip: "127.0.0.1",
        description: "firefox",
        header: { "x-my_header": { values: ["a", "b"] } }
      },
      expirationDate: new Date(Date.parse(session.creationDate) + 3_600_000).toISOString()
    })
    expect(JSON.stringify(shown.body)).not.toContain(reply.body.sessionToken)
  })

  it("a wrong password fails, counts on the user and locks it at the limit", async () => {
    const { userId } = await addHuman()
    const attempt = (secret: string) =>
      create({ checks: { user: { userId }, password: { password: secret } } })
    for (let i = 1; i < 5; i++) {
      const reply = await attempt("wrong-password")
      expect(reply.status).toBe(400)
      expect(reply.body).toEqual(errorBody(3, "COMMAND-3M0fs", "Errors.User.Password.Invalid"))
    }
    expect(await userState(userId)).toBe("USER_STATE_ACTIVE")
    const fifth = await attempt("wrong-password")
    expect(fifth.status).toBe(400)
    expect(fifth.body).toEqual(errorBody(9, "COMMAND-SFA3t", "Errors.User.Locked"))
    expect(await eventualUserState(userId, "USER_STATE_LOCKED")).toBe("USER_STATE_LOCKED")

    const locked = await attempt(password)
    expect(locked.status).toBe(400)
    expect(locked.body).toEqual(errorBody(9, "SESSION-Gj4ko", "Errors.User.NotActive"))
    // no session of that user was ever recorded
    const listed = await search({ queries: [{ userIdQuery: { id: userId } }] })
    expect(listed.body.sessions).toEqual([])
  })

  it("refuses a deactivated user, an unknown user and unsupported checks", async () => {
    const { userId } = await addHuman()
    expect((await call("POST", `/v2/users/${userId}/deactivate`)).status).toBe(200)
    const deactivated = await create({ checks: { user: { userId } } })
    expect(deactivated.body).toEqual(errorBody(9, "SESSION-Gj4ko", "Errors.User.NotActive"))
    const unknown = await create({ checks: { user: { loginName: "nobody-here" } } })
    expect(unknown.status).toBe(404)
    expect(unknown.body.details[0].id).toBe("QUERY-Dfbg2")
    const totp = await create({ checks: { totp: { code: "123456" } } })
    expect(totp.status).toBe(400)
    const noUser = await create({ checks: { password: { password } } })
    expect(noUser.body).toEqual(errorBody(9, "COMMAND-Sfw3f", "Errors.User.UserIDMissing"))
  })

  it("needs session.write on the instance", async () => {
    const { userId } = await addHuman()
    for (const token of [tokens.acmeOwner, tokens.viewer, tokens.nobody]) {
      const reply = await create({ checks: { user: { userId } } }, token)
      expect(reply.status).toBe(403)
      expect(reply.body).toEqual(denied("session.write"))
    }
  })
})

describe("SetSession", () => {
  it("adds a password check with the token and rotates the token", async () => {
    const { userId } = await addHuman()
    const { sessionId, token } = await created({ checks: { user: { userId } } })
    expect((await get(sessionId)).body.session.factors.password).toBeUndefined()

    const reply = await set(sessionId, { sessionToken: token, checks: { password: { password } } }, tokens.nobody)
    expect(reply.status, JSON.stringify(reply.body)).toBe(200)
    expect(reply.body.sessionToken).not.toBe(token)
    expect((await get(sessionId)).body.session.factors.password.verifiedAt).toMatch(isoDate)

    // the old token is no longer valid
    const stale = await set(sessionId, { sessionToken: token, metadata: { a: "YQ==" } }, tokens.nobody)
    expect(stale.status).toBe(403)
    expect(stale.body).toEqual(invalidToken)
  })

  it("a wrong password records no factor and returns the error", async () => {
    const { userId } = await addHuman()
    const { sessionId, token } = await created({ checks: { user: { userId } } })
    const reply = await set(sessionId, { sessionToken: token, checks: { password: { password: "nope" } } })
    expect(reply.body).toEqual(errorBody(3, "COMMAND-3M0fs", "Errors.User.Password.Invalid"))
    expect((await get(sessionId)).body.session.factors.password).toBeUndefined()
  })

  it("without a token needs session.write; other users' callers are refused", async () => {
    const { userId } = await addHuman()
    const { sessionId } = await created({ checks: { user: { userId } } })
    const asAdmin = await set(sessionId, { metadata: { a: "YQ==" } })
    expect(asAdmin.status).toBe(200)
    expect((await get(sessionId)).body.session.metadata).toEqual({ a: "YQ==" })
    const asOwner = await set(sessionId, { metadata: { b: "Yg==" } }, tokens.acmeOwner)
    expect(asOwner.body).toEqual(denied("session.write"))
  })

  it("refuses an expired session", async () => {
    const { sessionId, token } = await created({ lifetime: "0.2s" })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const reply = await set(sessionId, { sessionToken: token, metadata: { a: "YQ==" } })
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual(errorBody(9, "COMMAND-Hkl3d", "Errors.Session.Expired"))
  })
})

describe("GetSession", () => {
  it("shows a session to its creator, its user's org reader, or with its token", async () => {
    const { userId } = await addHuman(acme)
    const { sessionId, token } = await created({ checks: { user: { userId } } })
    expect((await get(sessionId)).status).toBe(200)
    // ORG_OWNER of ACME holds session.read there
    expect((await get(sessionId, { token: tokens.acmeOwner })).status).toBe(200)
    const nobody = await get(sessionId, { token: tokens.nobody })
    expect(nobody.status).toBe(403)
    expect(nobody.body).toEqual(denied("session.read"))
    expect((await get(sessionId, { token: tokens.nobody, sessionToken: token })).status).toBe(200)
    const wrong = await get(sessionId, { token: tokens.nobody, sessionToken: "not-it" })
    expect(wrong.body).toEqual(errorBody(7, "QUERY-dsfr3", "Errors.PermissionDenied"))
  })

  it("hides a session of another org from an org owner", async () => {
    const { userId } = await addHuman(globex)
    const { sessionId } = await created({ checks: { user: { userId } } })
    const reply = await get(sessionId, { token: tokens.acmeOwner })
    expect(reply.status).toBe(403)
    expect(reply.body).toEqual(denied("session.read"))
  })

  it("answers 404 for an unknown session", async () => {
    const reply = await get("404404")
    expect(reply.status).toBe(404)
    expect(reply.body).toEqual(errorBody(5, "QUERY-SFeaa", "Errors.Session.NotExisting"))
  })
})

describe("ListSessions", () => {
  it("filters by user and ids, pages, and limits what a caller sees", async () => {
    const ada = await addHuman(acme)
    const bob = await addHuman(globex)
    const a1 = await created({ checks: { user: { userId: ada.userId } } })
    const a2 = await created({ checks: { user: { userId: ada.userId } } })
    const b1 = await created({ checks: { user: { userId: bob.userId } } })

    const byUser = await search({ queries: [{ userIdQuery: { id: ada.userId } }] })
    expect(byUser.status).toBe(200)
    expect(byUser.body.details.totalResult).toBe("2")
    expect(byUser.body.sessions.map((s: any) => s.id)).toEqual([a2.sessionId, a1.sessionId])

    const asc = await search({
      query: { limit: 1, asc: true },
      sortingColumn: "SESSION_FIELD_NAME_CREATION_DATE",
      queries: [{ idsQuery: { ids: [a1.sessionId, a2.sessionId, b1.sessionId] } }]
    })
    expect(asc.body.sessions.map((s: any) => s.id)).toEqual([a1.sessionId])
    expect(asc.body.details.totalResult).toBe("3")

    const owner = await search({
      queries: [{ idsQuery: { ids: [a1.sessionId, a2.sessionId, b1.sessionId] } }]
    }, tokens.acmeOwner)
    expect(owner.body.sessions.map((s: any) => s.id)).toEqual([a2.sessionId, a1.sessionId])
    const nobody = await search({ queries: [{ idsQuery: { ids: [a1.sessionId] } }] }, tokens.nobody)
    expect(nobody.body.sessions).toEqual([])

    const mine = await search({ queries: [{ creatorQuery: {} }, { idsQuery: { ids: [b1.sessionId] } }] })
    expect(mine.body.sessions.map((s: any) => s.id)).toEqual([b1.sessionId])
    const twoInOne = await search({ queries: [{ creatorQuery: {}, idsQuery: { ids: [] } }] })
    expect(twoInOne.status).toBe(400)
  })
})

describe("DeleteSession", () => {
  it("terminates with the token, then answers the same for a repeat", async () => {
    const { userId } = await addHuman()
    const { sessionId, token } = await created({ checks: { user: { userId } } })
    const wrong = await remove(sessionId, { sessionToken: "wrong" }, tokens.nobody)
    expect(wrong.status).toBe(403)
    expect(wrong.body).toEqual(invalidToken)
    const first = await remove(sessionId, { session_token: token }, tokens.nobody)
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    expect((await get(sessionId)).status).toBe(404)
    const again = await remove(sessionId, { sessionToken: token }, tokens.nobody)
    expect(again.status).toBe(200)
    expect(again.body.details.sequence).toBe(first.body.details.sequence)
  })

  it("without a token needs session.delete in the user's org", async () => {
    const { userId } = await addHuman(globex)
    const { sessionId } = await created({ checks: { user: { userId } } })
    expect((await remove(sessionId, {}, tokens.nobody)).body).toEqual(denied("session.delete"))
    expect((await remove(sessionId, {}, tokens.acmeOwner)).body).toEqual(denied("session.delete"))
    expect((await remove(sessionId, {})).status).toBe(200)
    expect((await get(sessionId)).status).toBe(404)
  })

  it("an ACME owner deletes sessions of ACME users; a missing session is no error", async () => {
    const { userId } = await addHuman(acme)
    const { sessionId } = await created({ checks: { user: { userId } } })
    expect((await remove(sessionId, {}, tokens.acmeOwner)).status).toBe(200)
    expect((await remove("424242", {})).status).toBe(200)
  })

  it("terminates an expired session", async () => {
    const { sessionId, token } = await created({ lifetime: "0.1s" })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await remove(sessionId, { sessionToken: token })).status).toBe(200)
    expect((await get(sessionId)).status).toBe(404)
  })
})
