/**
 * The Organization service v2 over HTTP, against the real server layer on 127.0.0.1 with an
 * embedded database. Users cannot be created through the API yet, so the users the suite needs
 * (an owner and a worker of org ACME, a worker of org Globex, a second instance owner) and those
 * two orgs are written as events before the server's first start.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { knownEventTypes, servedMethods } from "../src/catalog.js"
import { acme, errorBody, globex, isoDate, orgSuite, type Reply } from "./orgSuite.js"

const tokens = {
  acmeOwner: "acme-owner-token-0123456789",
  acmeWorker: "acme-worker-token-0123456789",
  globexWorker: "globex-worker-token-0123456789",
  ops: "ops-token-0123456789"
} as const

const { call } = orgSuite({
  masterKey: "citadel-org-tests-master-key-32b",
  dirPrefix: "citadel-org-",
  users: [
    ["acme-owner", acme, tokens.acmeOwner],
    ["acme-worker", acme, tokens.acmeWorker],
    ["globex-worker", globex, tokens.globexWorker],
    ["ops", globex, tokens.ops]
  ],
  instanceMember: { userId: "ops", roles: ["IAM_OWNER"] }
})

// Helpers ------------------------------------------------------------------------------------

const create = (name: string, extra: Record<string, unknown> = {}, token?: string) =>
  call("POST", "/v2/organizations", {
    json: { name, ...extra },
    ...(token === undefined ? {} : { token })
  })

const list = (json: unknown, token?: string) =>
  call("POST", "/v2/organizations/_search", { json, ...(token === undefined ? {} : { token }) })

const byId = async (id: string, token?: string) =>
  (await list({ queries: [{ idQuery: { id } }] }, token)).body.result[0]

const names = (reply: Reply) => reply.body.result.map((org: { name: string }) => org.name)

let defaultOrgId: string

beforeAll(async () => {
  const found = await list({ queries: [{ defaultQuery: {} }] })
  defaultOrgId = found.body.result[0].id
})

// Tests --------------------------------------------------------------------------------------

describe("OrganizationService › AddOrganization", () => {
  it("creates an org, answers 201 and lists it as active", async () => {
    const reply = await create("Initech")
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual({
      details: {
        sequence: "1",
        changeDate: expect.stringMatching(isoDate),
        resourceOwner: reply.body.organizationId,
        creationDate: expect.stringMatching(isoDate)
      },
      organizationId: expect.stringMatching(/^\d+$/),
      createdAdmins: []
    })
    const org = await byId(reply.body.organizationId)
    expect(org).toEqual({
      id: reply.body.organizationId,
      details: {
        sequence: "1",
        changeDate: reply.body.details.changeDate,
        resourceOwner: reply.body.organizationId,
        creationDate: reply.body.details.changeDate
      },
      state: "ORGANIZATION_STATE_ACTIVE",
      name: "Initech",
      primaryDomain: ""
    })
  })

  it("makes the given admins ORG_OWNER of a chosen id, in snake_case too", async () => {
    const reply = await call("POST", "/v2/organizations", {
      json: { name: "Hooli", organization_id: "org-hooli", admins: [{ user_id: "globex-worker" }] }
    })
    expect(reply.status).toBe(201)
    expect(reply.body.organizationId).toBe("org-hooli")
    // the new owner reads the org, although it belongs to Globex
    expect(names(await list({}, tokens.globexWorker))).toEqual(["Hooli"])
    const renamed = await call("POST", "/v2/organizations/org-hooli", {
      token: tokens.globexWorker,
      json: { name: "Hooli XYZ" }
    })
    expect(renamed.status).toBe(200)
  })

  it("answers 409 for a taken name, the seeded ones included", async () => {
    expect(await create("ACME")).toEqual({
      status: 409,
      body: errorBody(6, "V3-DKcYh", "Errors.Org.AlreadyExists")
    })
    await create("Duplicate Co")
    expect((await create("Duplicate Co")).status).toBe(409)
  })

  it("answers 409 for a taken id", async () => {
    expect(await create("Other", { organizationId: acme })).toEqual({
      status: 409,
      body: errorBody(6, "ORG-lapo2m", "Errors.Org.AlreadyExisting")
    })
  })

  it("refuses a blank name, an unknown admin and bad roles", async () => {
    expect(await create("   ")).toEqual({
      status: 400,
      body: errorBody(3, "ORG-mruNY", "Errors.Invalid.Argument")
    })
    expect((await create("")).status).toBe(400)
    expect(await create("Ghosts", { admins: [{ userId: "ghost" }] })).toEqual({
      status: 400,
      body: errorBody(9, "ORG-GoXOn", "Errors.User.NotFound")
    })
    expect(await create("Roles", { admins: [{ userId: "ops", roles: ["IAM_OWNER"] }] })).toEqual({
      status: 400,
      body: errorBody(3, "Org-4N8es", "Errors.Org.MemberInvalid")
    })
    expect((await create("Humans", { admins: [{ human: { username: "x" } }] })).status).toBe(400)
  })

  it("refuses an org owner, who lacks org.create", async () => {
    expect(await create("Mine", {}, tokens.acmeOwner)).toEqual({
      status: 403,
      body: errorBody(7, "AUTHZ-HKJD33", "Errors.PermissionDenied", "missing org.create")
    })
  })
})

describe("OrganizationService › ListOrganizations", () => {
  it("filters by name, state and id, sorts and pages", async () => {
    for (const name of ["Zeta 1", "Zeta 2", "Zeta 3"]) await create(name)
    const method = "TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE"
    const zeta = { nameQuery: { name: "zeta", method } }
    const page = await list({
      query: { offset: "1", limit: 1, asc: true },
      sortingColumn: "ORGANIZATION_FIELD_NAME_NAME",
      queries: [zeta]
    })
    expect(page.status).toBe(200)
    expect(page.body).toEqual({
      details: { totalResult: "3", timestamp: expect.stringMatching(isoDate) },
      sortingColumn: "ORGANIZATION_FIELD_NAME_NAME",
      result: [expect.objectContaining({ name: "Zeta 2", state: "ORGANIZATION_STATE_ACTIVE" })]
    })
    const desc = await list({ sortingColumn: 1, queries: [zeta] })
    expect(names(desc)).toEqual(["Zeta 3", "Zeta 2", "Zeta 1"])

    const exact = await list({ queries: [{ nameQuery: { name: "Zeta 1" } }] })
    expect(names(exact)).toEqual(["Zeta 1"])
    const wildcard = await list({ queries: [{ nameQuery: { name: "Zeta_1", method: 4 } }] })
    expect(names(wildcard)).toEqual([])

    const byDefault = await list({ queries: [{ defaultQuery: {} }] })
    expect(names(byDefault)).toEqual(["Citadel"])
    expect((await byId(acme)).name).toBe("ACME")
  })

  it("refuses a query with no filter or two, and a limit above 1000", async () => {
    expect((await list({ queries: [{}] })).status).toBe(400)
    expect((await list({ queries: [{ idQuery: { id: "a" }, defaultQuery: {} }] })).status).toBe(400)
    expect((await list({ query: { limit: 1001 } })).body)
      .toEqual(
        errorBody(3, "QUERY-4M0fs", "Errors.Query.LimitExceeded", "given: 1001, allowed: 1000")
      )
  })

  it("shows an org owner only their own org, and a plain user nothing", async () => {
    const mine = await list({}, tokens.acmeOwner)
    expect(mine.status).toBe(200)
    expect(names(mine)).toEqual(["ACME"])
    expect(await byId(globex, tokens.acmeOwner)).toBeUndefined()
    const none = await list({}, tokens.acmeWorker)
    expect(none.body.result).toEqual([])
    expect(none.body.details.totalResult).toBe("0")
  })
})

describe("OrganizationService › changes", () => {
  it("renames an org; the same name again is refused", async () => {
    const id = (await create("Umbrella")).body.organizationId
    const rename = { json: { name: "Umbrella Corp" } }
    const renamed = await call("POST", `/v2/organizations/${id}`, rename)
    expect(renamed).toEqual({ status: 200, body: { changeDate: expect.stringMatching(isoDate) } })
    expect((await byId(id)).name).toBe("Umbrella Corp")
    expect(await call("POST", `/v2/organizations/${id}`, rename)).toEqual({
      status: 400,
      body: errorBody(9, "ORG-4VSdf", "Errors.Org.NotChanged")
    })
    expect((await call("POST", `/v2/organizations/${id}`, { json: { name: "ACME" } })).status)
      .toBe(409)
  })

  it("answers 404 for an org that does not exist", async () => {
    expect(await call("POST", "/v2/organizations/nope/deactivate")).toEqual({
      status: 404,
      body: errorBody(5, "ORG-oL9nT", "Errors.Org.NotFound")
    })
    expect((await call("POST", "/v2/organizations/nope", { json: { name: "X" } })).status).toBe(404)
    expect((await call("DELETE", "/v2/organizations/nope")).status).toBe(404)
  })

  it("deactivates an org: its users get 401 until it is activated again", async () => {
    expect((await list({}, tokens.acmeWorker)).status).toBe(200)

    const off = await call("POST", `/v2/organizations/${acme}/deactivate`, { json: {} })
    expect(off).toEqual({ status: 200, body: { changeDate: expect.stringMatching(isoDate) } })
    expect((await byId(acme)).state).toBe("ORGANIZATION_STATE_INACTIVE")
    const inactive = { stateQuery: { state: "ORGANIZATION_STATE_INACTIVE" } }
    const state = await list({ queries: [inactive] })
    expect(names(state)).toEqual(["ACME"])

    for (const token of [tokens.acmeWorker, tokens.acmeOwner]) {
      expect(await list({}, token)).toEqual({
        status: 401,
        body: errorBody(16, "APP-BxUSiL", "Errors.Token.Invalid")
      })
    }
    expect((await list({}, tokens.globexWorker)).status).toBe(200)
    expect(await call("POST", `/v2/organizations/${acme}/deactivate`)).toEqual({
      status: 400,
      body: errorBody(9, "EVENT-Dbs2g", "Errors.Org.AlreadyDeactivated")
    })

    const on = await call("POST", `/v2/organizations/${acme}/activate`)
    expect(on.status).toBe(200)
    expect((await list({}, tokens.acmeWorker)).status).toBe(200)
    expect(await call("POST", `/v2/organizations/${acme}/activate`)).toEqual({
      status: 400,
      body: errorBody(9, "EVENT-bfnrh", "Errors.Org.AlreadyActive")
    })
  })

  it("locks out the admin with the default org; another instance owner lets it back", async () => {
    expect((await call("POST", `/v2/organizations/${defaultOrgId}/deactivate`)).status).toBe(200)
    expect((await list({})).status).toBe(401)
    const ops = { token: tokens.ops }
    const back = await call("POST", `/v2/organizations/${defaultOrgId}/activate`, ops)
    expect(back.status).toBe(200)
    expect((await list({})).status).toBe(200)
  })

  it("never removes the default org", async () => {
    expect(await call("DELETE", `/v2/organizations/${defaultOrgId}`)).toEqual({
      status: 400,
      body: errorBody(9, "COMMA-wG9p1", "Errors.Org.DefaultOrgNotDeletable")
    })
  })

  it("lets an org owner change their org but not another one", async () => {
    const own = await call("POST", `/v2/organizations/${acme}`, {
      token: tokens.acmeOwner,
      json: { name: "ACME Corp" }
    })
    expect(own.status).toBe(200)
    expect((await byId(acme)).name).toBe("ACME Corp")

    const denied = errorBody(7, "AUTHZ-HKJD33", "Errors.PermissionDenied", "missing org.write")
    expect(await call("POST", `/v2/organizations/${globex}`, {
      token: tokens.acmeOwner,
      json: { name: "Taken Over" }
    })).toEqual({ status: 403, body: denied })
    const owner = { token: tokens.acmeOwner }
    expect(await call("POST", `/v2/organizations/${globex}/deactivate`, owner))
      .toEqual({ status: 403, body: denied })
    expect(await call("DELETE", `/v2/organizations/${globex}`, owner)).toEqual({
      status: 403,
      body: errorBody(7, "AUTHZ-HKJD33", "Errors.PermissionDenied", "missing org.delete")
    })
    expect((await call("POST", `/v2/organizations/${acme}`, {
      token: tokens.acmeWorker,
      json: { name: "Mutiny" }
    })).status).toBe(403)
    expect((await byId(globex)).name).toBe("Globex")
  })

  it("removes an org: its users get 401, it is no longer listed and its name is free", async () => {
    expect((await list({}, tokens.globexWorker)).status).toBe(200)
    const removed = await call("DELETE", `/v2/organizations/${globex}`)
    expect(removed).toEqual({ status: 200, body: { deletionDate: expect.stringMatching(isoDate) } })
    expect(await list({}, tokens.globexWorker)).toEqual({
      status: 401,
      body: errorBody(16, "APP-BxUSiL", "Errors.Token.Invalid")
    })
    expect(await byId(globex)).toBeUndefined()
    expect((await call("DELETE", `/v2/organizations/${globex}`)).body)
      .toEqual(errorBody(5, "COMMA-aps2n", "Errors.Org.NotFound"))
    expect((await create("Globex")).status).toBe(201)
  })
})

describe("OrganizationService › authentication", () => {
  it("answers 401 without a token and with a bad one", async () => {
    for (const token of [null, "not-a-token"]) {
      const reply = await call("POST", "/v2/organizations/_search", { token, json: {} })
      expect(reply.status).toBe(401)
      expect(reply.body.code).toBe(16)
    }
    expect((await call("POST", "/v2/organizations", { token: null, json: { name: "X" } })).status)
      .toBe(401)
    expect((await call("DELETE", `/v2/organizations/${acme}`, { token: "bad" })).status).toBe(401)
  })
})

describe("OrganizationService › catalog", () => {
  it("offers its methods and the org events as execution conditions", () => {
    const service = "/zitadel.org.v2.OrganizationService/"
    expect(servedMethods.filter((m) => m.startsWith(service))).toEqual([
      `${service}ActivateOrganization`,
      `${service}AddOrganization`,
      `${service}DeactivateOrganization`,
      `${service}DeleteOrganization`,
      `${service}ListOrganizations`,
      `${service}UpdateOrganization`
    ])
    for (const type of ["org.changed", "org.deactivated", "org.reactivated", "org.removed"]) {
      expect(knownEventTypes).toContain(type)
    }
  })
})
