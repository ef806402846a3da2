/**
 * The User service v2 over HTTP, against the real server layer on 127.0.0.1 with an embedded
 * database. Two orgs (ACME with an ORG_OWNER, Globex), a viewer of the instance and a user
 * without roles are written as events before the server's first start.
 */
import { describe, expect, it } from "@effect/vitest"
import { acme, denied, errorBody, globex, isoDate, orgSuite } from "./orgSuite.js"

const tokens = {
  acmeOwner: "usr-acme-owner-token-0123456789",
  viewer: "usr-viewer-token-0123456789",
  nobody: "usr-nobody-token-0123456789"
} as const

const { call } = orgSuite({
  masterKey: "citadel-usr-tests-master-key-32b",
  dirPrefix: "citadel-usr-",
  users: [
    ["acme-owner", acme, tokens.acmeOwner],
    ["viewer", globex, tokens.viewer],
    ["nobody", globex, tokens.nobody]
  ],
  instanceMember: { userId: "viewer", roles: ["IAM_OWNER_VIEWER"] }
})

// Helpers ------------------------------------------------------------------------------------

let counter = 0

const human = (orgId: string, extra: Record<string, unknown> = {}) => {
  counter += 1
  return {
    organization: { orgId },
    username: `human${counter}`,
    profile: { givenName: "Ada", familyName: "Lovelace", gender: "GENDER_FEMALE" },
    email: { email: `ada${counter}@example.com`, isVerified: true },
    password: { password: "Password1!" },
    ...extra
  }
}

const addHuman = async (orgId = acme, extra: Record<string, unknown> = {}, token?: string) =>
  call("POST", "/v2/users/human", { json: human(orgId, extra), ...(token ? { token } : {}) })

const addMachine = async (orgId = acme, token?: string) => {
  counter += 1
  return call("POST", "/v2/users/new", {
    json: { organizationId: orgId, username: `robot${counter}`, machine: { name: "Robot" } },
    ...(token ? { token } : {})
  })
}

// Tests --------------------------------------------------------------------------------------

describe("UserService › authentication", () => {
  it.each([
    ["POST", "/v2/users/human"],
    ["POST", "/v2/users/new"],
    ["GET", "/v2/users/123"],
    ["POST", "/v2/users"],
    ["POST", "/v2/users/123/password"],
    ["POST", "/v2/users/123/deactivate"],
    ["POST", "/v2/users/123/reactivate"],
    ["POST", "/v2/users/123/lock"],
    ["POST", "/v2/users/123/unlock"],
    ["DELETE", "/v2/users/123"],
    ["POST", "/v2/users/123/pats"],
    ["DELETE", "/v2/users/123/pats/9"],
    ["POST", "/v2/users/123/secret"],
    ["DELETE", "/v2/users/123/secret"]
  ])("answers 401 without a token [%s %s]", async (method, target) => {
    const json = method === "GET" ? undefined : {}
    const reply = await call(method, target, { token: null, ...(json === undefined ? {} : { json }) })
    expect(reply.status).toBe(401)
    expect(reply.body.code).toBe(16)
  })

  it("answers 401 with an unknown token", async () => {
    expect((await call("POST", "/v2/users", { token: "nope", json: {} })).status).toBe(401)
  })
})

describe("UserService › humans", () => {
  it("adds a human and returns it", async () => {
    const added = await addHuman(acme, { profile: { givenName: "Ada", familyName: "L", nickName: "ada" } })
    expect(added.status).toBe(201)
    expect(added.body).toEqual({
      userId: expect.stringMatching(/^\d+$/),
      details: { sequence: "2", changeDate: expect.stringMatching(isoDate), resourceOwner: acme }
    })
    const got = await call("GET", `/v2/users/${added.body.userId}`)
    expect(got.status).toBe(200)
    expect(got.body.user).toEqual({
      userId: added.body.userId,
      details: { sequence: "2", changeDate: expect.stringMatching(isoDate), resourceOwner: acme },
      state: "USER_STATE_ACTIVE",
      username: `human${counter}`,
      loginNames: [`human${counter}`],
      preferredLoginName: `human${counter}`,
      human: {
        profile: {
          givenName: "Ada",
          familyName: "L",
          nickName: "ada",
          displayName: "Ada L",
          preferredLanguage: "",
          gender: "GENDER_UNSPECIFIED"
        },
        email: { email: `ada${counter}@example.com`, isVerified: true },
        phone: { phone: "", isVerified: false },
        passwordChangeRequired: false,
        passwordChanged: expect.stringMatching(isoDate)
      }
    })
    expect(JSON.stringify(got.body)).not.toContain("argon2")
  })

  it("accepts snake_case and an imported bcrypt hash", async () => {
    const reply = await call("POST", "/v2/users/human", {
      json: {
        organization: { org_id: acme },
        user_id: "imported-1",
        profile: { given_name: "Imp", family_name: "Orted" },
        email: { email: "imported@example.com" },
        hashed_password: { hash: "$2a$04$W0jyWUPjZAzxWUvyJRC0WejoK02Wt2mFK8qyxbMJ8nhoNcUYcrQdq" }
      }
    })
    expect(reply.status).toBe(201)
    expect(reply.body.userId).toBe("imported-1")
    const got = await call("GET", "/v2/users/imported-1")
    expect(got.body.user.username).toBe("imported@example.com")
  })

  it("refuses a weak password, a taken user name and a missing org", async () => {
    const weak = await addHuman(acme, { password: { password: "short" } })
    expect(weak.status).toBe(400)
    expect(weak.body).toEqual(
      errorBody(3, "DOMAIN-HuJf6", "Errors.User.PasswordComplexityPolicy.MinLength")
    )
    const first = await addHuman(acme)
    const again = await call("POST", "/v2/users/human", {
      json: { ...human(globex), username: (await call("GET", `/v2/users/${first.body.userId}`)).body.user.username }
    })
    expect(again.status).toBe(409)
    expect(again.body).toEqual(errorBody(6, "V3-DKcYh", "Errors.User.AlreadyExists"))
    const missing = await addHuman("no-such-org")
    expect(missing.status).toBe(400)
    expect(missing.body).toEqual(errorBody(9, "USER-0rgN0t", "Errors.Org.NotFound"))
    const bad = await call("POST", "/v2/users/human", { json: { profile: {} } })
    expect(bad.status).toBe(400)
  })

  it("lets an org owner add users to its own org only", async () => {
    expect((await addHuman(acme, {}, tokens.acmeOwner)).status).toBe(201)
    const other = await addHuman(globex, {}, tokens.acmeOwner)
    expect(other.status).toBe(403)
    expect(other.body).toEqual(denied("user.write"))
    expect((await addHuman(acme, {}, tokens.viewer)).status).toBe(403)
    expect((await addHuman(acme, {}, tokens.nobody)).status).toBe(403)
  })

  it("sets a password and refuses a weak one", async () => {
    const { body } = await addHuman()
    const set = await call("POST", `/v2/users/${body.userId}/password`, {
      json: { newPassword: { password: "Another1!", changeRequired: true } }
    })
    expect(set.status).toBe(200)
    expect(set.body.details.resourceOwner).toBe(acme)
    const got = await call("GET", `/v2/users/${body.userId}`)
    expect(got.body.user.human.passwordChangeRequired).toBe(true)
    const weak = await call("POST", `/v2/users/${body.userId}/password`, {
      json: { newPassword: { password: "alllowercase1!" } }
    })
    expect(weak.body).toEqual(
      errorBody(3, "DOMAIN-VoaRj", "Errors.User.PasswordComplexityPolicy.HasUpper")
    )
    const denied403 = await call("POST", `/v2/users/${body.userId}/password`, {
      token: tokens.viewer,
      json: { newPassword: { password: "Another1!" } }
    })
    expect(denied403.status).toBe(403)
  })
})

describe("UserService › state", () => {
  it("deactivates, reactivates, locks, unlocks and deletes", async () => {
    const { body } = await addHuman()
    const id = body.userId
    const state = async () => (await call("GET", `/v2/users/${id}`)).body.user?.state
    expect((await call("POST", `/v2/users/${id}/deactivate`, { json: {} })).status).toBe(200)
    expect(await state()).toBe("USER_STATE_INACTIVE")
    const twice = await call("POST", `/v2/users/${id}/deactivate`)
    expect(twice.body).toEqual(errorBody(9, "COMMAND-5M0sf", "Errors.User.AlreadyInactive"))
    expect((await call("POST", `/v2/users/${id}/reactivate`)).status).toBe(200)
    expect((await call("POST", `/v2/users/${id}/lock`)).status).toBe(200)
    expect(await state()).toBe("USER_STATE_LOCKED")
    expect((await call("POST", `/v2/users/${id}/unlock`)).status).toBe(200)
    expect(await state()).toBe("USER_STATE_ACTIVE")
    const removed = await call("DELETE", `/v2/users/${id}`)
    expect(removed.status).toBe(200)
    const gone = await call("GET", `/v2/users/${id}`)
    expect(gone.status).toBe(404)
    expect(gone.body).toEqual(errorBody(5, "QUERY-Dfbg2", "Errors.User.NotFound"))
    expect((await call("DELETE", `/v2/users/${id}`)).status).toBe(404)
  })

  it.each([
    ["deactivate", "user.write"],
    ["reactivate", "user.write"],
    ["lock", "user.write"],
    ["unlock", "user.write"]
  ])("refuses %s without %s, and to an org owner of another org", async (action, permission) => {
    const { body } = await addHuman(globex)
    const reply = await call("POST", `/v2/users/${body.userId}/${action}`, { token: tokens.viewer })
    expect(reply.status).toBe(403)
    expect(reply.body).toEqual(denied(permission))
    const owner = await call("POST", `/v2/users/${body.userId}/${action}`, {
      token: tokens.acmeOwner
    })
    expect(owner.status).toBe(403)
  })

  it("lets an org owner deactivate and delete users of its own org", async () => {
    const { body } = await addHuman(acme)
    const deactivated = await call("POST", `/v2/users/${body.userId}/deactivate`, {
      token: tokens.acmeOwner
    })
    expect(deactivated.status).toBe(200)
    const deleted = await call("DELETE", `/v2/users/${body.userId}`, { token: tokens.acmeOwner })
    expect(deleted.status).toBe(200)
  })

  it("refuses delete without user.delete", async () => {
    const { body } = await addHuman(globex)
    const reply = await call("DELETE", `/v2/users/${body.userId}`, { token: tokens.viewer })
    expect(reply.body).toEqual(denied("user.delete"))
    expect((await call("DELETE", "/v2/users/does-not-exist", { token: tokens.acmeOwner })).status)
      .toBe(403)
  })
})

describe("UserService › machines", () => {
  it("creates a machine, gives it a PAT that authenticates, and removes it", async () => {
    const created = await addMachine()
    expect(created.status).toBe(201)
    expect(created.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      creationDate: expect.stringMatching(isoDate)
    })
    const id = created.body.id
    const pat = await call("POST", `/v2/users/${id}/pats`, {
      json: { expirationDate: "2999-01-01T00:00:00Z" }
    })
    expect(pat.status).toBe(200)
    expect(pat.body).toEqual({
      creationDate: expect.stringMatching(isoDate),
      tokenId: expect.stringMatching(/^\d+$/),
      token: expect.any(String)
    })
    const self = await call("GET", `/v2/users/${id}`, { token: pat.body.token })
    expect(self.status).toBe(200)
    expect(self.body.user.machine).toEqual({
      name: "Robot",
      description: "",
      hasSecret: false,
      accessTokenType: "ACCESS_TOKEN_TYPE_BEARER"
    })
    const removed = await call("DELETE", `/v2/users/${id}/pats/${pat.body.tokenId}`)
    expect(removed.status).toBe(200)
    expect(removed.body.deletionDate).toMatch(isoDate)
    expect((await call("GET", `/v2/users/${id}`, { token: pat.body.token })).status).toBe(401)
    const again = await call("DELETE", `/v2/users/${id}/pats/${pat.body.tokenId}`)
    expect(again.body).toEqual(errorBody(5, "COMMAND-4m77G", "Errors.User.PAT.NotFound"))
  })

  it("refuses a PAT for a human and a past expiration", async () => {
    const { body } = await addHuman()
    const forHuman = await call("POST", `/v2/users/${body.userId}/pats`, { json: {} })
    expect(forHuman.body).toEqual(errorBody(9, "COMMAND-Df2f1", "Errors.User.WrongType"))
    const robot = await addMachine()
    const past = await call("POST", `/v2/users/${robot.body.id}/pats`, {
      json: { expirationDate: "2001-01-01T00:00:00Z" }
    })
    expect(past.body).toEqual(
      errorBody(3, "COMMAND-dv3t5", "Errors.AccessToken.InvalidExpirationDate")
    )
    const other = await call("POST", `/v2/users/${robot.body.id}/pats`, {
      token: tokens.viewer,
      json: {}
    })
    expect(other.status).toBe(403)
  })

  it("sets and removes a client secret", async () => {
    const robot = await addMachine()
    const id = robot.body.id
    const secret = await call("POST", `/v2/users/${id}/secret`, { json: {} })
    expect(secret.status).toBe(200)
    expect(secret.body).toEqual({
      creationDate: expect.stringMatching(isoDate),
      clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)
    })
    expect((await call("GET", `/v2/users/${id}`)).body.user.machine.hasSecret).toBe(true)
    const removed = await call("DELETE", `/v2/users/${id}/secret`)
    expect(removed.status).toBe(200)
    expect((await call("GET", `/v2/users/${id}`)).body.user.machine.hasSecret).toBe(false)
    const again = await call("DELETE", `/v2/users/${id}/secret`)
    expect(again.body).toEqual(
      errorBody(5, "COMMAND-vtwtr", "Errors.User.Machine.Secret.NotExisting")
    )
    expect((await call("POST", `/v2/users/${id}/secret`, { token: tokens.nobody })).status)
      .toBe(403)
  })

  it("refuses CreateUser with both or neither of human and machine", async () => {
    const reply = await call("POST", "/v2/users/new", { json: { organizationId: acme } })
    expect(reply.body).toEqual(errorBody(
      3,
      "USER-r3qst",
      "Errors.Invalid.Argument",
      "exactly one of human or machine must be set"
    ))
  })
})

describe("UserService › reading", () => {
  it("reads a user only with user.read in its org, or oneself", async () => {
    const { body } = await addHuman(globex)
    expect((await call("GET", `/v2/users/${body.userId}`, { token: tokens.viewer })).status)
      .toBe(200)
    const owner = await call("GET", `/v2/users/${body.userId}`, { token: tokens.acmeOwner })
    expect(owner.body).toEqual(denied("user.read"))
    expect((await call("GET", "/v2/users/nobody", { token: tokens.nobody })).status).toBe(200)
    expect((await call("GET", "/v2/users/acme-owner", { token: tokens.nobody })).status).toBe(403)
  })

  it("lists users with filters, sorting and paging, limited to what the caller sees", async () => {
    await addHuman(acme, { username: "list-zed", profile: { givenName: "Zed", familyName: "Q" } })
    await addHuman(globex, { username: "list-amy", profile: { givenName: "Amy", familyName: "Q" } })
    const byName = await call("POST", "/v2/users", {
      json: {
        query: { limit: 10, asc: true },
        sortingColumn: "USER_FIELD_NAME_USER_NAME",
        queries: [{ userNameQuery: { userName: "list-", method: "TEXT_QUERY_METHOD_STARTS_WITH" } }]
      }
    })
    expect(byName.status).toBe(200)
    expect(byName.body.details.totalResult).toBe("2")
    expect(byName.body.sortingColumn).toBe("USER_FIELD_NAME_USER_NAME")
    expect(byName.body.result.map((u: any) => u.username)).toEqual(["list-amy", "list-zed"])

    const machines = await call("POST", "/v2/users", {
      json: { queries: [{ typeQuery: { type: "TYPE_MACHINE" } }, { organizationIdQuery: { organizationId: globex } }] }
    })
    expect(machines.body.result.map((u: any) => u.userId).sort()).toEqual(["nobody", "viewer"])

    const owner = await call("POST", "/v2/users", {
      token: tokens.acmeOwner,
      json: { queries: [{ userNameQuery: { userName: "list-", method: "TEXT_QUERY_METHOD_STARTS_WITH" } }] }
    })
    expect(owner.body.result.map((u: any) => u.username)).toEqual(["list-zed"])
    const nobody = await call("POST", "/v2/users", { token: tokens.nobody, json: {} })
    expect(nobody.body.result.map((u: any) => u.userId)).toEqual(["nobody"])

    const page = await call("POST", "/v2/users", {
      json: { query: { limit: 1, offset: 1, asc: true }, queries: [{ inUserIdsQuery: { userIds: ["nobody", "viewer", "acme-owner"] } }] }
    })
    expect(page.body.details.totalResult).toBe("3")
    expect(page.body.result).toHaveLength(1)

    const twoInOne = await call("POST", "/v2/users", {
      json: { queries: [{ stateQuery: { state: "USER_STATE_ACTIVE" }, typeQuery: { type: "TYPE_HUMAN" } }] }
    })
    expect(twoInOne.status).toBe(400)
    const tooMany = await call("POST", "/v2/users", { json: { query: { limit: 5000 } } })
    expect(tooMany.body).toEqual(
      errorBody(3, "QUERY-4M0fs", "Errors.Query.LimitExceeded", "given: 5000, allowed: 1000")
    )
  })
})
