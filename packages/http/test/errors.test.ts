import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Code, errorBody, type Reply, startServer, type TestServer } from "./support.js"

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  await server?.close()
})

/** Every error reply of this file, checked at the end for leaks. */
const seen: Array<Reply> = []

const keep = (reply: Reply) => {
  if (reply.status >= 400) seen.push(reply)
  return reply
}

const createRaw = async (raw: string) =>
  keep(await server.request("POST", "/v2/actions/targets", { raw }))

const create = async (json: unknown) =>
  keep(await server.request("POST", "/v2/actions/targets", { json }))

const valid = {
  name: "errors-target",
  restWebhook: { interruptOnError: true },
  endpoint: "https://hooks.example.com/errors",
  timeout: "10s"
}

const invalid = (id: string, message: string, detail?: string) => ({
  status: 400,
  body: errorBody(Code.InvalidArgument, id, message, detail)
})

/** A request the API layer refuses before any handler runs, naming the field. */
const undecodable = (detail: string) => invalid("API-d3c0d", "Errors.Invalid.Argument", detail)

const outcome = (reply: Reply) => ({ status: reply.status, body: reply.body })

describe("bad input", () => {
  it("refuses a body that is not JSON", async () => {
    for (const raw of ["{\"name\":", "name=x", "{'name': 'x'}"]) {
      expect(outcome(await createRaw(raw))).toEqual(
        invalid("API-j50n1", "Errors.Invalid.Argument", "the body is not valid JSON")
      )
    }
  })

  it("reads an empty body as the empty message", async () => {
    const targets = await server.request("POST", "/v2/actions/targets/search")
    expect([targets.status, targets.body.pagination]).toEqual([
      200,
      { totalResult: "0", appliedLimit: "100" }
    ])
    const executions = await server.request("POST", "/v2/actions/executions/search")
    expect([executions.status, executions.body.executions]).toEqual([200, []])
    expect(outcome(await createRaw(""))).toEqual(undecodable("name: is missing"))
  })

  it("refuses JSON that is not an object", async () => {
    for (const raw of ["[]", "\"x\"", "42"]) {
      const reply = await createRaw(raw)
      const { details } = errorBody(Code.InvalidArgument, "API-d3c0d", "Errors.Invalid.Argument")
      expect(reply.status).toBe(400)
      expect(reply.body.code).toBe(Code.InvalidArgument)
      expect(reply.body.message).toMatch(/^Errors\.Invalid\.Argument: Expected \{/)
      expect(reply.body.details).toEqual(details)
    }
  })

  it("names a field of the wrong type", async () => {
    expect(outcome(await create({ ...valid, name: 5 })))
      .toEqual(undecodable("name: Expected string, actual 5"))
    expect(outcome(await create({ ...valid, timeout: 10 })))
      .toEqual(undecodable("timeout: Expected string, actual 10"))
    expect(outcome(await create({ ...valid, restWebhook: { interruptOnError: "yes" } })))
      .toEqual(undecodable("restWebhook.interruptOnError: Expected boolean, actual \"yes\""))
    const { restWebhook: _, ...untyped } = valid
    expect(outcome(await create({ ...untyped, rest_call: { interrupt_on_error: 1 } })))
      .toEqual(undecodable("restCall.interruptOnError: Expected boolean, actual 1"))
  })

  it("names an enum field with an unknown value", async () => {
    const expected = undecodable(
      "payloadType: expected one of PAYLOAD_TYPE_UNSPECIFIED, PAYLOAD_TYPE_JSON, " +
        "PAYLOAD_TYPE_JWT, PAYLOAD_TYPE_JWE"
    )
    expect(outcome(await create({ ...valid, payloadType: "PAYLOAD_TYPE_XML" }))).toEqual(expected)
    expect(outcome(await create({ ...valid, payload_type: 4 }))).toEqual(expected)
    expect(outcome(await create({ ...valid, payloadType: -1 }))).toEqual(expected)
  })

  it("names a missing required field", async () => {
    const { name: _, ...withoutName } = valid
    expect(outcome(await create(withoutName))).toEqual(undecodable("name: is missing"))
    const { endpoint: __, ...withoutEndpoint } = valid
    expect(outcome(await create(withoutEndpoint))).toEqual(undecodable("endpoint: is missing"))
  })

  it("refuses an empty name", async () => {
    expect(outcome(await create({ ...valid, name: "" }))).toEqual(
      invalid("COMMAND-ddqbm9us5p", "Errors.Target.Invalid", "name is empty")
    )
  })

  it("names a duration that is not protobuf's", async () => {
    for (const timeout of ["10m", "10", "1.5", "ten seconds", "1.0000000001s", ""]) {
      expect(outcome(await create({ ...valid, timeout }))).toEqual(
        undecodable("timeout: a duration such as \"10s\" or \"0.5s\"")
      )
    }
  })

  it("refuses a timeout of zero or less, and an absent one", async () => {
    const { timeout: _, ...withoutTimeout } = valid
    const expected = invalid("COMMAND-39f35d8uri", "Errors.Target.NoTimeout", "timeout must be > 0")
    expect(outcome(await create({ ...valid, timeout: "0s" }))).toEqual(expected)
    expect(outcome(await create({ ...valid, timeout: "-1s" }))).toEqual(expected)
    expect(outcome(await create(withoutTimeout))).toEqual(expected)
  })

  it("refuses a timeout over 270 seconds", async () => {
    for (const timeout of ["270.000000001s", "271s", "3600s"]) {
      expect(outcome(await create({ ...valid, timeout }))).toEqual(
        invalid("TARGET-t1m30t", "Errors.Target.Invalid", "timeout must be at most 4m 30s")
      )
    }
  })

  it("refuses an endpoint that is not an absolute http(s) URL", async () => {
    const endpoints = ["ftp://hooks.example.com/x", "mailto:a@example.com", "/relative", "hooks"]
    for (const endpoint of endpoints) {
      expect(outcome(await create({ ...valid, endpoint }))).toEqual(
        invalid(
          "COMMAND-1r2k6qo6wg",
          "Errors.Target.InvalidURL",
          "endpoint must be an absolute http(s) URL of at most 2048 characters"
        )
      )
    }
  })

  it("refuses an endpoint or a name that is too long, naming the field", async () => {
    const endpoint = await create({
      ...valid,
      endpoint: `https://a.example.com/${"x".repeat(2048)}`
    })
    expect(endpoint.status).toBe(400)
    expect(endpoint.body.message).toMatch(/^Errors\.Invalid\.Argument: endpoint: /)
    const name = await create({ ...valid, name: "n".repeat(1001) })
    expect(name.status).toBe(400)
    expect(name.body.message).toMatch(/^Errors\.Invalid\.Argument: name: /)
  })

  it("refuses two target types at once, and none", async () => {
    expect(outcome(await create({ ...valid, restAsync: {} }))).toEqual(
      invalid(
        "TARGET-0n30f",
        "Errors.Target.Invalid",
        "only one of restWebhook, restCall or restAsync may be set"
      )
    )
    const { restWebhook: _, ...untyped } = valid
    expect(outcome(await create(untyped))).toEqual(
      invalid(
        "TARGET-0n30f",
        "Errors.Target.Invalid",
        "one of restWebhook, restCall or restAsync must be set"
      )
    )
  })

  it("names a bad field deep in a list request", async () => {
    const reply = keep(
      await server.request("POST", "/v2/actions/targets/search", {
        json: { filters: [{ inTargetIdsFilter: { targetIds: ["1"] } }, { targetNameFilter: {} }] }
      })
    )
    expect(outcome(reply)).toEqual(
      undecodable("filters[1].targetNameFilter.targetName: is missing")
    )
  })

  it("names a bad execution condition", async () => {
    const missing = keep(
      await server.request("PUT", "/v2/actions/executions", { json: { targets: [] } })
    )
    expect(outcome(missing)).toEqual(undecodable("condition: is missing"))
    const none = keep(
      await server.request("PUT", "/v2/actions/executions", { json: { condition: {} } })
    )
    expect(outcome(none)).toEqual(
      invalid(
        "EXEC-c0nd1t",
        "Errors.Execution.Invalid",
        "condition: one of request, response, function or event must be set"
      )
    )
  })

  it("answers 404 for a route that does not exist", async () => {
    const routes = [["GET", "/v2/actions/nothing"], ["PATCH", "/v2/actions/targets"]] as const
    for (const [method, path] of routes) {
      const reply = keep(await server.request(method, path))
      expect(outcome(reply)).toEqual({
        status: 404,
        body: errorBody(Code.NotFound, "API-n0r0u", "Errors.Route.NotFound")
      })
    }
  })
})

describe("NUL characters", () => {
  // No text column can store U+0000: it is refused at the door instead of failing in storage.
  it("refuses one in a body string, naming the field", async () => {
    const reply = keep(await create({ ...valid, name: "nul\u0000name" }))
    expect(outcome(reply)).toEqual(undecodable("name: must not contain a NUL character"))
  })

  it("refuses one in a path", async () => {
    const reply = keep(await server.request("GET", "/v2/actions/targets/%00"))
    expect(outcome(reply)).toEqual(
      invalid("API-nu1l0", "Errors.Invalid.Argument", "the path must not contain a NUL character")
    )
  })
})

describe("error bodies", () => {
  it("are ZITADEL's JSON and never carry a stack trace", () => {
    expect(seen.length).toBeGreaterThan(40)
    for (const reply of seen) {
      expect(reply.headers.get("content-type")).toMatch(/^application\/json/)
      expect(Object.keys(reply.body)).toEqual(["code", "message", "details"])
      expect(reply.text).not.toMatch(/\n\s*at |:\d+:\d+\)|\.[cm]?[jt]s:\d+|node_modules|stack/i)
      expect(reply.text).not.toMatch(/\b(Type|Sql|Parse|Range|EventStore)Error\b|FiberFailure/)
    }
  })
})

describe("probes and the API document", () => {
  it("answers healthz and ready without a token", async () => {
    const healthz = await server.request("GET", "/debug/healthz", { token: null })
    expect([healthz.status, healthz.body]).toEqual([200, "ok"])
    const ready = await server.request("GET", "/debug/ready", { token: null })
    expect([ready.status, ready.body]).toEqual([200, "ok"])
  })

  it("serves the OpenAPI document with the Action service paths", async () => {
    const reply = await server.request("GET", "/openapi.json", { token: null })
    expect(reply.status).toBe(200)
    const document = JSON.parse(reply.text)
    expect(document.openapi).toMatch(/^3\./)
    const operations = (path: string) => Object.keys(document.paths[path] ?? {}).sort()
    expect(operations("/v2/actions/targets")).toEqual(["post"])
    expect(operations("/v2/actions/targets/{id}")).toEqual(["delete", "get", "post"])
    expect(operations("/v2/actions/targets/search")).toEqual(["post"])
    expect(operations("/v2/actions/executions")).toEqual(["put"])
    expect(operations("/v2/actions/executions/search")).toEqual(["post"])
    expect(operations("/v2/actions/executions/functions")).toEqual(["get"])
    expect(operations("/v2/actions/executions/methods")).toEqual(["get"])
    expect(operations("/v2/actions/executions/services")).toEqual(["get"])
    expect(operations("/debug/healthz")).toEqual(["get"])
  })
})
