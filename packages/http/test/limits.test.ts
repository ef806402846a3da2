/**
 * Caps on the lists of request bodies, oneofs refused when two members are set, null repeated
 * fields read as empty, and the default OIDC response and grant types, over HTTP against the
 * real server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Code, errorBody, startServer, type TestServer } from "./support.js"

let server: TestServer

beforeAll(async () => {
  server = await startServer()
}, 120_000)

afterAll(async () => {
  await server?.close()
})

const post = (path: string, json: unknown) => server.request("POST", path, { json })

/** The 400 of a body the schema refuses, naming the field. */
const undecodable = (detail: string) => ({
  status: 400,
  body: errorBody(Code.InvalidArgument, "API-d3c0d", "Errors.Invalid.Argument", detail)
})

const tooMany = (field: string, max: number) =>
  undecodable(`${field}: at most ${max} items may be given (got ${max + 1})`)

const refusal = async (reply: Promise<{ status: number; body: unknown }>) => {
  const { body, status } = await reply
  return { status, body }
}

const times = <A>(count: number, make: (index: number) => A): Array<A> =>
  Array.from({ length: count }, (_, index) => make(index))

const ids = (count: number) => times(count, (index) => `id-${index}`)

const executions = "/v2/actions/executions"
const fn = (name: string) => ({ function: { name } })

let targetCount = 0

const newTarget = async (): Promise<string> => {
  targetCount += 1
  const reply = await post("/v2/actions/targets", {
    name: `limits-target-${targetCount}`,
    restAsync: {},
    endpoint: "https://hooks.example.com/limits",
    timeout: "1s"
  })
  expect(reply.status, reply.text).toBe(200)
  return reply.body.id
}

const listedTargets = async (condition: unknown) => {
  const reply = await post(`${executions}/search`, {
    filters: [{ inConditionsFilter: { conditions: [condition] } }]
  })
  expect(reply.status, reply.text).toBe(200)
  return reply.body.executions.map((execution: { targets: unknown }) => execution.targets)
}

describe("Action service lists", () => {
  it("takes at most 20 execution search filters", async () => {
    const filter = { targetFilter: { targetId: "0" } }
    expect(await refusal(post(`${executions}/search`, { filters: times(21, () => filter) })))
      .toEqual(tooMany("filters", 20))
    const atCap = await post(`${executions}/search`, { filters: times(20, () => filter) })
    expect(atCap.status, atCap.text).toBe(200)
    expect(atCap.body.executions).toEqual([])
  })

  it("takes at most 100 conditions in one conditions filter", async () => {
    const conditions = (count: number) => times(count, () => fn("preuserinfo"))
    expect(await refusal(post(`${executions}/search`, {
      filters: [{ inConditionsFilter: { conditions: conditions(101) } }]
    }))).toEqual(tooMany("filters[0].inConditionsFilter.conditions", 100))
    const atCap = await post(`${executions}/search`, {
      filters: [{ inConditionsFilter: { conditions: conditions(100) } }]
    })
    expect(atCap.status, atCap.text).toBe(200)
  })

  it("takes at most 20 target search filters and 1000 ids in one id filter", async () => {
    const filter = { targetNameFilter: { targetName: "none" } }
    expect(await refusal(post("/v2/actions/targets/search", { filters: times(21, () => filter) })))
      .toEqual(tooMany("filters", 20))
    expect(await refusal(post("/v2/actions/targets/search", {
      filters: [{ inTargetIdsFilter: { targetIds: ids(1001) } }]
    }))).toEqual(tooMany("filters[0].inTargetIdsFilter.targetIds", 1000))

    const target = await newTarget()
    const atCap = await post("/v2/actions/targets/search", {
      filters: [
        ...times(19, () => ({ targetNameFilter: { targetName: "limits-target-1" } })),
        { inTargetIdsFilter: { targetIds: [...ids(999), target] } }
      ]
    })
    expect(atCap.status, atCap.text).toBe(200)
    expect(atCap.body.targets.map((t: { id: string }) => t.id)).toEqual([target])
  })

  it("takes at most 100 entries in one execution", async () => {
    const targets = []
    for (let i = 0; i < 100; i++) targets.push(await newTarget())
    expect(await refusal(server.request("PUT", executions, {
      json: { condition: fn("preuserinfo"), targets: [...targets, targets[0]] }
    }))).toEqual(tooMany("targets", 100))
    expect(await listedTargets(fn("preuserinfo"))).toEqual([])

    const atCap = await server.request("PUT", executions, {
      json: { condition: fn("preuserinfo"), targets }
    })
    expect(atCap.status, atCap.text).toBe(200)
    expect(await listedTargets(fn("preuserinfo"))).toEqual([targets])
  })

  it("refuses an entry that is both a target and an include, or neither", async () => {
    const target = await newTarget()
    expect(await refusal(server.request("PUT", executions, {
      json: {
        condition: fn("presamlresponse"),
        targets: [target, { target, include: fn("preuserinfo") }]
      }
    }))).toEqual(undecodable("targets[1]: only one of target or include may be set"))
    expect(await refusal(server.request("PUT", executions, {
      json: { condition: fn("presamlresponse"), targets: [{}] }
    }))).toEqual(undecodable("targets[0]: one of target or include must be set"))
    expect(await listedTargets(fn("presamlresponse"))).toEqual([])
  })

  it("reads null targets as none, removing the execution as [] does", async () => {
    const target = await newTarget()
    const set = await server.request("PUT", executions, {
      json: { condition: fn("preaccesstoken"), targets: [{ target }] }
    })
    expect(set.status, set.text).toBe(200)
    expect(await listedTargets(fn("preaccesstoken"))).toEqual([[target]])

    const removed = await server.request("PUT", executions, {
      json: { condition: fn("preaccesstoken"), targets: null }
    })
    expect(removed.status, removed.text).toBe(200)
    expect(await listedTargets(fn("preaccesstoken"))).toEqual([])
  })

  it("reads null search filters as none", async () => {
    const target = await newTarget()
    const executionsReply = await post(`${executions}/search`, { filters: null })
    expect(executionsReply.status, executionsReply.text).toBe(200)
    const targetsReply = await post("/v2/actions/targets/search", { filters: null })
    expect(targetsReply.status, targetsReply.text).toBe(200)
    expect(targetsReply.body.targets.map((t: { id: string }) => t.id)).toContain(target)
  })
})

describe("User, organization and session lists", () => {
  it("takes at most 20 user queries and 1000 user ids", async () => {
    const query = { userNameQuery: { userName: "nobody" } }
    expect(await refusal(post("/v2/users", { queries: times(21, () => query) })))
      .toEqual(tooMany("queries", 20))
    expect(await refusal(post("/v2/users", {
      queries: [{ inUserIdsQuery: { userIds: ids(1001) } }]
    }))).toEqual(tooMany("queries[0].inUserIdsQuery.userIds", 1000))
    const atCap = await post("/v2/users", {
      queries: [{ inUserIdsQuery: { userIds: ids(1000) } }, ...times(19, () => query)]
    })
    expect(atCap.status, atCap.text).toBe(200)
    expect(atCap.body.result).toEqual([])
  })

  it("takes at most 20 organization queries and 100 admins", async () => {
    const query = { nameQuery: { name: "nothing" } }
    expect(await refusal(post("/v2/organizations/_search", { queries: times(21, () => query) })))
      .toEqual(tooMany("queries", 20))
    const atCap = await post("/v2/organizations/_search", { queries: times(20, () => query) })
    expect(atCap.status, atCap.text).toBe(200)
    expect(atCap.body.result).toEqual([])
    expect(await refusal(post("/v2/organizations", {
      name: "Crowded",
      admins: times(101, (index) => ({ userId: `admin-${index}` }))
    }))).toEqual(tooMany("admins", 100))
  })

  it("takes at most 20 session queries and 1000 session ids", async () => {
    const query = { userIdQuery: { id: "nobody" } }
    expect(await refusal(post("/v2/sessions/search", { queries: times(21, () => query) })))
      .toEqual(tooMany("queries", 20))
    expect(await refusal(post("/v2/sessions/search", {
      queries: [{ idsQuery: { ids: ids(1001) } }]
    }))).toEqual(tooMany("queries[0].idsQuery.ids", 1000))
    const atCap = await post("/v2/sessions/search", {
      queries: [{ idsQuery: { ids: ids(1000) } }, ...times(19, () => query)]
    })
    expect(atCap.status, atCap.text).toBe(200)
    expect(atCap.body.sessions).toEqual([])
  })

  it("refuses a new human with two members of a oneof set", async () => {
    const human = {
      profile: { givenName: "Ada", familyName: "Lovelace" },
      email: { email: "ada@example.com" }
    }
    expect(await refusal(post("/v2/users/human", {
      ...human,
      password: { password: "Secr3t!Password" },
      hashedPassword: { hash: "$2a$10$abcdefghijklmnopqrstuv" }
    }))).toEqual(undecodable("only one of password or hashedPassword may be set"))
    expect(await refusal(post("/v2/users/human", {
      ...human,
      email: { email: "ada@example.com", isVerified: true, returnCode: {} }
    }))).toEqual(undecodable("email: only one of sendCode, returnCode, isVerified may be set"))
    expect(await refusal(post("/v2/users/human", {
      ...human,
      organization: { orgId: "seed-org", orgDomain: "seed.example.com" }
    }))).toEqual(undecodable("organization: only one of orgId or orgDomain may be set"))
  })
})

describe("Project and app lists", () => {
  let projectId: string

  beforeAll(async () => {
    const project = await post("/management/v1/projects", { name: "limits" })
    expect(project.status, project.text).toBe(200)
    projectId = project.body.id
  })

  const apps = () => `/management/v1/projects/${projectId}/apps`

  it("takes at most 20 project and app queries, each a oneof", async () => {
    const query = { nameQuery: { name: "limits" } }
    expect(await refusal(post("/management/v1/projects/_search", {
      queries: times(21, () => query)
    }))).toEqual(tooMany("queries", 20))
    const atCap = await post("/management/v1/projects/_search", { queries: times(20, () => query) })
    expect(atCap.status, atCap.text).toBe(200)
    expect(atCap.body.result.map((p: { id: string }) => p.id)).toEqual([projectId])
    expect(await refusal(post("/management/v1/projects/_search", {
      queries: [{ ...query, projectResourceOwnerQuery: { resourceOwner: "elsewhere" } }]
    }))).toEqual(
      undecodable("queries[0]: only one of nameQuery or projectResourceOwnerQuery may be set")
    )

    expect(await refusal(post(`${apps()}/_search`, { queries: times(21, () => query) })))
      .toEqual(tooMany("queries", 20))
    const appsAtCap = await post(`${apps()}/_search`, { queries: times(20, () => query) })
    expect(appsAtCap.status, appsAtCap.text).toBe(200)
  })

  it("takes at most 100 redirect URIs and 10 response types", async () => {
    const uris = (count: number) => times(count, (index) => `https://app.example.com/cb${index}`)
    expect(await refusal(post(`${apps()}/oidc`, { name: "many", redirectUris: uris(101) })))
      .toEqual(tooMany("redirectUris", 100))
    expect(await refusal(post(`${apps()}/oidc`, {
      name: "many",
      postLogoutRedirectUris: uris(101)
    }))).toEqual(tooMany("postLogoutRedirectUris", 100))
    expect(await refusal(post(`${apps()}/oidc`, {
      name: "many",
      additionalOrigins: times(101, (index) => `https://origin${index}.example.com`)
    }))).toEqual(tooMany("additionalOrigins", 100))
    expect(await refusal(post(`${apps()}/oidc`, {
      name: "many",
      responseTypes: times(11, () => "OIDC_RESPONSE_TYPE_CODE")
    }))).toEqual(tooMany("responseTypes", 10))
    expect(await refusal(post(`${apps()}/oidc`, {
      name: "many",
      grantTypes: times(11, () => "OIDC_GRANT_TYPE_AUTHORIZATION_CODE")
    }))).toEqual(tooMany("grantTypes", 10))

    const atCap = await post(`${apps()}/oidc`, { name: "many", redirectUris: uris(100) })
    expect(atCap.status, atCap.text).toBe(200)
    const got = await server.request("GET", `${apps()}/${atCap.body.appId}`)
    expect(got.body.app.oidcConfig.redirectUris).toEqual(uris(100))
  })

  it("defaults absent response and grant types to CODE and AUTHORIZATION_CODE", async () => {
    for (const [name, lists] of [
      ["absent", {}],
      ["null", { responseTypes: null, grantTypes: null }],
      ["empty", { responseTypes: [], grantTypes: [] }]
    ] as const) {
      const added = await post(`${apps()}/oidc`, {
        name,
        redirectUris: ["https://app.example.com/cb"],
        ...lists
      })
      expect(added.status, added.text).toBe(200)
      expect(added.body.noneCompliant).toBe(false)
      const got = await server.request("GET", `${apps()}/${added.body.appId}`)
      expect(got.status, got.text).toBe(200)
      expect(got.body.app.oidcConfig.responseTypes).toEqual(["OIDC_RESPONSE_TYPE_CODE"])
      expect(got.body.app.oidcConfig.grantTypes).toEqual(["OIDC_GRANT_TYPE_AUTHORIZATION_CODE"])
    }
  })

  it("keeps the response and grant types given", async () => {
    const added = await post(`${apps()}/oidc`, {
      name: "given",
      redirectUris: ["https://app.example.com/cb"],
      responseTypes: ["OIDC_RESPONSE_TYPE_CODE"],
      grantTypes: ["OIDC_GRANT_TYPE_AUTHORIZATION_CODE", "OIDC_GRANT_TYPE_REFRESH_TOKEN"]
    })
    expect(added.status, added.text).toBe(200)
    const got = await server.request("GET", `${apps()}/${added.body.appId}`)
    expect(got.body.app.oidcConfig.grantTypes).toEqual([
      "OIDC_GRANT_TYPE_AUTHORIZATION_CODE",
      "OIDC_GRANT_TYPE_REFRESH_TOKEN"
    ])
  })
})
