import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Code, errorBody, method, startServer, type TestServer } from "./support.js"

const viewer = {
  userId: "310000000000000001",
  userName: "viewer",
  token: "viewer-token-0123456789abcdefghijklmnop",
  roles: ["IAM_OWNER_VIEWER"]
}
const nobody = {
  userId: "310000000000000002",
  userName: "nobody",
  token: "nobody-token-0123456789abcdefghijklmnop",
  roles: []
}
const deactivated = {
  userId: "310000000000000003",
  userName: "deactivated",
  token: "deactivated-token-0123456789abcdefghijk",
  roles: ["IAM_OWNER"],
  deactivated: true
}
const expired = {
  userId: "310000000000000004",
  userName: "expired",
  token: "expired-token-0123456789abcdefghijklmno",
  roles: ["IAM_OWNER"],
  expiration: new Date("2020-01-01T00:00:00Z")
}

let server: TestServer
let targetId = ""

beforeAll(async () => {
  server = await startServer([viewer, nobody, deactivated, expired])
  const created = await server.request("POST", "/v2/actions/targets", {
    json: {
      name: "auth-target",
      restAsync: {},
      endpoint: "https://hooks.example.com/auth",
      timeout: "1s"
    }
  })
  expect(created.status, created.text).toBe(200)
  targetId = created.body.id
})

afterAll(async () => {
  await server?.close()
})

type Access = "write" | "read" | "open"

interface Route {
  readonly rpc: string
  readonly method: string
  readonly path: () => string
  readonly json?: () => unknown
  readonly access: Access
  /** The permission a caller must hold; none for the open listings. */
  readonly permission?: string
}

/** Every endpoint of the Action service, with a request that succeeds for the admin. */
const routes: ReadonlyArray<Route> = [
  {
    rpc: "CreateTarget",
    method: "POST",
    path: () => "/v2/actions/targets",
    json: () => ({
      name: "auth-created",
      restWebhook: {},
      endpoint: "https://hooks.example.com/new",
      timeout: "2s"
    }),
    access: "write",
    permission: "action.target.write"
  },
  {
    rpc: "UpdateTarget",
    method: "POST",
    path: () => `/v2/actions/targets/${targetId}`,
    json: () => ({ timeout: "3s" }),
    access: "write",
    permission: "action.target.write"
  },
  {
    rpc: "GetTarget",
    method: "GET",
    path: () => `/v2/actions/targets/${targetId}`,
    access: "read",
    permission: "action.target.read"
  },
  {
    rpc: "ListTargets",
    method: "POST",
    path: () => "/v2/actions/targets/search",
    json: () => ({}),
    access: "read",
    permission: "action.target.read"
  },
  {
    rpc: "SetExecution",
    method: "PUT",
    path: () => "/v2/actions/executions",
    json: () => ({ condition: { request: { method: method("GetTarget") } }, targets: [targetId] }),
    access: "write",
    permission: "action.execution.write"
  },
  {
    rpc: "ListExecutions",
    method: "POST",
    path: () => "/v2/actions/executions/search",
    json: () => ({}),
    access: "read",
    permission: "action.execution.read"
  },
  {
    rpc: "ListExecutionFunctions",
    method: "GET",
    path: () => "/v2/actions/executions/functions",
    access: "open"
  },
  {
    rpc: "ListExecutionMethods",
    method: "GET",
    path: () => "/v2/actions/executions/methods",
    access: "open"
  },
  {
    rpc: "ListExecutionServices",
    method: "GET",
    path: () => "/v2/actions/executions/services",
    access: "open"
  },
  // last, so that the routes above still find the target
  {
    rpc: "DeleteTarget",
    method: "DELETE",
    path: () => `/v2/actions/targets/${targetId}`,
    access: "write",
    permission: "action.target.delete"
  }
]

const call = (route: Route, token: string | null) =>
  server.request(route.method, route.path(), {
    token,
    ...(route.json === undefined ? {} : { json: route.json() })
  })

const denied = (permission: string) =>
  errorBody(
    Code.PermissionDenied,
    "AUTHZ-HKJD33",
    "Errors.PermissionDenied",
    `missing ${permission}`
  )

describe("Action service authorization", () => {
  it("covers every Action service method the server lists", async () => {
    const methods: ReadonlyArray<string> =
      (await server.request("GET", "/v2/actions/executions/methods")).body.methods
    expect(routes.map((route) => method(route.rpc)).sort()).toEqual(
      methods.filter((name) => name.startsWith(method("")))
    )
  })

  it("answers 401 without an Authorization header, on every route", async () => {
    for (const route of routes) {
      const reply = await call(route, null)
      expect({ rpc: route.rpc, status: reply.status, body: reply.body }).toEqual({
        rpc: route.rpc,
        status: 401,
        body: errorBody(Code.Unauthenticated, "APP-Reb32", "Errors.Token.Invalid")
      })
    }
  })

  it("answers 401 for an unknown token, on every route", async () => {
    for (const route of routes) {
      const reply = await call(route, "no-such-token-0123456789abcdefghijklmn")
      expect({ rpc: route.rpc, status: reply.status, body: reply.body }).toEqual({
        rpc: route.rpc,
        status: 401,
        body: errorBody(Code.Unauthenticated, "APP-BxUSiL", "Errors.Token.Invalid")
      })
    }
  })

  it("answers 401 for the token of a deactivated user and for an expired token", async () => {
    for (const route of routes) {
      const inactive = await call(route, deactivated.token)
      expect([route.rpc, inactive.status, inactive.body]).toEqual([
        route.rpc,
        401,
        errorBody(Code.Unauthenticated, "APP-BxUSiL", "Errors.Token.Invalid")
      ])
      const old = await call(route, expired.token)
      expect([route.rpc, old.status, old.body]).toEqual([
        route.rpc,
        401,
        errorBody(Code.Unauthenticated, "APP-k9KS0", "Errors.Token.Invalid")
      ])
    }
  })

  it("lets an IAM_OWNER_VIEWER read but not write", async () => {
    for (const route of routes) {
      const reply = await call(route, viewer.token)
      if (route.access === "write") {
        expect([route.rpc, reply.status, reply.body]).toEqual([
          route.rpc,
          403,
          denied(route.permission!)
        ])
      } else {
        expect([route.rpc, reply.status]).toEqual([route.rpc, 200])
      }
    }
  })

  it("lets a user without a role call only the three listings", async () => {
    for (const route of routes) {
      const reply = await call(route, nobody.token)
      if (route.access === "open") {
        expect([route.rpc, reply.status]).toEqual([route.rpc, 200])
      } else {
        expect([route.rpc, reply.status, reply.body]).toEqual([
          route.rpc,
          403,
          denied(route.permission!)
        ])
      }
    }
  })

  it("writes nothing for a refused caller", async () => {
    const target = await server.request("GET", `/v2/actions/targets/${targetId}`)
    expect(target.body.target.timeout).toBe("1s")
    const all = await server.request("POST", "/v2/actions/targets/search", { json: {} })
    expect(all.body.targets.map((t: { name: string }) => t.name)).toEqual(["auth-target"])
    const executions = await server.request("POST", "/v2/actions/executions/search", {
      json: {}
    })
    expect(executions.body.executions).toEqual([])
  })

  it("lets the admin call every route", async () => {
    for (const route of routes) {
      const reply = await call(route, server.adminToken)
      expect([route.rpc, reply.status, reply.text]).toEqual([route.rpc, 200, reply.text])
    }
  })

  it("accepts the scheme in any case", async () => {
    const reply = await fetch(`${server.baseUrl}/v2/actions/executions/functions`, {
      headers: { authorization: `bearer ${viewer.token}` }
    })
    expect(reply.status).toBe(200)
  })
})
