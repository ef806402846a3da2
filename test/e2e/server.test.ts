import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {
  killStarted,
  listeningPort,
  portIsFree,
  type ServerProcess,
  startServer,
  stopServer
} from "./process.js"

/**
 * The real server process (the entry point `pnpm start` runs) on an embedded database in a fresh
 * folder: first start, the action API over HTTP, shutdown on signals, restart on the same data,
 * and a refused configuration. The cases run in order and share the server they start.
 */

const service = "zitadel.action.v2.ActionService"
const createTargetMethod = `/${service}/CreateTarget`

interface Response {
  readonly status: number
  readonly body: any
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "citadel-e2e-"))
const dataDir = path.join(workDir, "data")
const tokenFile = path.join(dataDir, "admin.pat")
const refusedDir = path.join(workDir, "refused")
const settings = { HOST: "127.0.0.1", PORT: "0", CITADEL_DATA_DIR: dataDir }

/** Everything any server started here wrote, to check that no log ever shows the token. */
const logs: Array<() => string> = []

const start = (extra: Readonly<Record<string, string>> = {}) => {
  const server = startServer(workDir, { ...settings, ...extra })
  logs.push(() => server.stdout() + server.stderr())
  return server
}

let server: ServerProcess
let refused: ServerProcess
let port = 0
let token = ""

const call = async (
  method: string,
  route: string,
  body?: unknown,
  bearer: string | null = token
): Promise<Response> => {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` })
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
  })
  return { status: response.status, body: await response.json() }
}

const unauthenticated = (id: string): Response => ({
  status: 401,
  body: {
    code: 16,
    message: `Errors.Token.Invalid (${id})`,
    details: [{
      "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
      id,
      message: "Errors.Token.Invalid"
    }]
  }
})

/** The token file's content and identity, which a later start must leave alone. */
const tokenFileState = () => {
  const stat = fs.statSync(tokenFile)
  return { content: fs.readFileSync(tokenFile, "utf8"), mtimeMs: stat.mtimeMs, ino: stat.ino }
}

/** A clean stop: the server's own exit code 0, or the plain end by the signal it was sent. */
const cleanExits = (signal: NodeJS.Signals) => [
  { code: 0, signal: null },
  { code: null, signal }
]

const byName = { sortingColumn: "TARGET_FIELD_NAME_NAME", pagination: { asc: true } }
const byId = { sortingColumn: "EXECUTION_FIELD_NAME_ID", pagination: { asc: true } }

const targets = { webhook: "", call: "", async: "" }
const created: Record<string, string> = {}

beforeAll(async () => {
  server = start()
  // The refused start runs alongside, as loading the server's modules takes seconds.
  refused = startServer(workDir, {
    ...settings,
    PORT: "abc",
    LOG_LEVEL: "loud",
    CITADEL_DATA_DIR: refusedDir
  })
  port = await listeningPort(server, 55_000)
})

afterAll(() => {
  killStarted()
  fs.rmSync(workDir, { recursive: true, force: true })
})

describe("citadel server process", () => {
  it("writes the admin token to a private file and logs only its path", () => {
    token = fs.readFileSync(tokenFile, "utf8").trim()

    expect(token).toMatch(/^[\w-]{20,}$/)
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600)
    expect(server.stdout()).toContain(`admin_token_file=${tokenFile}`)
    expect(server.stdout()).toContain("Instance set up; admin token written")
    expect(server.stdout() + server.stderr()).not.toContain(token)
  })

  it("creates a target of each type", async () => {
    const requests = {
      webhook: {
        name: "a-webhook",
        restWebhook: { interruptOnError: true },
        endpoint: "http://127.0.0.1:9/hook",
        timeout: "10s"
      },
      call: {
        name: "b-call",
        restCall: {},
        endpoint: "http://127.0.0.1:9/call",
        timeout: "1.5s",
        payloadType: "PAYLOAD_TYPE_JWT"
      },
      async: {
        name: "c-async",
        rest_async: {},
        endpoint: "http://127.0.0.1:9/async",
        timeout: "3s"
      }
    }
    for (const kind of ["webhook", "call", "async"] as const) {
      const response = await call("POST", "/v2/actions/targets", requests[kind])
      expect(response.status).toBe(200)
      expect(response.body.id).toMatch(/^\d+$/)
      expect(response.body.signingKey).toMatch(/^[\w-]{20,}$/)
      targets[kind] = response.body.id
      created[kind] = response.body.creationDate
    }

    const listed = await call("POST", "/v2/actions/targets/search", byName)

    expect(listed.status).toBe(200)
    expect(listed.body).toEqual({
      pagination: { totalResult: "3", appliedLimit: "100" },
      targets: [
        {
          id: targets.webhook,
          creationDate: created.webhook,
          changeDate: created.webhook,
          name: "a-webhook",
          restWebhook: { interruptOnError: true },
          timeout: "10s",
          endpoint: "http://127.0.0.1:9/hook",
          payloadType: "PAYLOAD_TYPE_JSON"
        },
        {
          id: targets.call,
          creationDate: created.call,
          changeDate: created.call,
          name: "b-call",
          restCall: { interruptOnError: false },
          timeout: "1.5s",
          endpoint: "http://127.0.0.1:9/call",
          payloadType: "PAYLOAD_TYPE_JWT"
        },
        {
          id: targets.async,
          creationDate: created.async,
          changeDate: created.async,
          name: "c-async",
          restAsync: {},
          timeout: "3s",
          endpoint: "http://127.0.0.1:9/async",
          payloadType: "PAYLOAD_TYPE_JSON"
        }
      ]
    })
  })

  it("sets executions with plain target ids and include entries, and lists them", async () => {
    const executions = [
      { condition: { request: { service } }, targets: [targets.webhook, targets.call] },
      {
        condition: { request: { method: createTargetMethod } },
        targets: [{ target: targets.async }, { include: { request: { service } } }]
      },
      { condition: { function: { name: "preuserinfo" } }, targets: [targets.call] },
      { condition: { event: { event: "target.added" } }, targets: [targets.async] }
    ]
    for (const execution of executions) {
      const response = await call("PUT", "/v2/actions/executions", execution)
      expect(response.status).toBe(200)
      expect(Date.parse(response.body.setDate)).not.toBeNaN()
    }

    const listed = await call("POST", "/v2/actions/executions/search", byId)

    expect(listed.status).toBe(200)
    expect(listed.body.pagination).toEqual({ totalResult: "4", appliedLimit: "100" })
    expect(listed.body.executions.map((e: any) => [e.condition, e.targets])).toEqual([
      [{ event: { event: "target.added" } }, [targets.async]],
      [{ function: { name: "preuserinfo" } }, [targets.call]],
      [{ request: { service } }, [targets.webhook, targets.call]],
      [
        { request: { method: createTargetMethod } },
        [targets.async, { include: { request: { service } } }]
      ]
    ])

    const including = await call("POST", "/v2/actions/executions/search", {
      filters: [{ includeFilter: { include: { request: { service } } } }]
    })
    expect(including.body.executions.map((e: any) => e.condition)).toEqual([
      { request: { method: createTargetMethod } }
    ])
  })

  it("answers malformed JSON with 400", async () => {
    const response = await call("POST", "/v2/actions/targets", "{\"name\": \"broken\",")

    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      code: 3,
      message: "Errors.Invalid.Argument: the body is not valid JSON (API-j50n1)",
      details: [{
        "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
        id: "API-j50n1",
        message: "Errors.Invalid.Argument"
      }]
    })
  })

  it("answers an unknown enum value with 400 naming the field", async () => {
    const target = await call("POST", "/v2/actions/targets", {
      name: "d-xml",
      restCall: {},
      endpoint: "http://127.0.0.1:9/xml",
      timeout: "1s",
      payloadType: "PAYLOAD_TYPE_XML"
    })
    const search = await call("POST", "/v2/actions/executions/search", {
      filters: [{ executionTypeFilter: { executionType: "EXECUTION_TYPE_SOMETIMES" } }]
    })

    expect(target.status).toBe(400)
    expect(target.body.code).toBe(3)
    expect(target.body.message).toBe(
      "Errors.Invalid.Argument: payloadType: expected one of PAYLOAD_TYPE_UNSPECIFIED, " +
        "PAYLOAD_TYPE_JSON, PAYLOAD_TYPE_JWT, PAYLOAD_TYPE_JWE (API-d3c0d)"
    )
    expect(search.status).toBe(400)
    expect(search.body.message).toBe(
      "Errors.Invalid.Argument: filters[0].executionTypeFilter.executionType: expected one of " +
        "EXECUTION_TYPE_UNSPECIFIED, EXECUTION_TYPE_REQUEST, EXECUTION_TYPE_RESPONSE, " +
        "EXECUTION_TYPE_EVENT, EXECUTION_TYPE_FUNCTION (API-d3c0d)"
    )
  })

  it("answers a missing or unknown token with 401", async () => {
    const missing = await call("POST", "/v2/actions/targets/search", {}, null)
    const unknown = await call("POST", "/v2/actions/targets/search", {}, `${token}x`)

    expect(missing).toEqual(unauthenticated("APP-Reb32"))
    expect(unknown).toEqual(unauthenticated("APP-BxUSiL"))
  })

  it("answers an include that closes a cycle with 400 naming the cycle", async () => {
    const response = await call("PUT", "/v2/actions/executions", {
      condition: { request: { service } },
      targets: [targets.webhook, { include: { request: { method: createTargetMethod } } }]
    })

    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      code: 9,
      message: "Errors.Execution.CircularInclude: " +
        `request/${service} -> request/${service}/CreateTarget -> request/${service} ` +
        "(COMMAND-819opvhgjv)",
      details: [{
        "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
        id: "COMMAND-819opvhgjv",
        message: "Errors.Execution.CircularInclude"
      }]
    })
    const unchanged = await call("POST", "/v2/actions/executions/search", {
      filters: [{ inConditionsFilter: { conditions: [{ request: { service } }] } }]
    })
    expect(unchanged.body.executions.map((e: any) => e.targets)).toEqual([
      [targets.webhook, targets.call]
    ])
  })

  describe("after a restart on the same data folder", () => {
    let targetsBefore: unknown
    let executionsBefore: unknown
    let tokenFileBefore: ReturnType<typeof tokenFileState>

    it("stops on SIGTERM with a clean exit and frees the port", async () => {
      targetsBefore = (await call("POST", "/v2/actions/targets/search", byName)).body
      executionsBefore = (await call("POST", "/v2/actions/executions/search", byId)).body
      tokenFileBefore = tokenFileState()

      const exit = await stopServer(server, "SIGTERM")

      expect(cleanExits("SIGTERM"), server.stdout() + server.stderr()).toContainEqual(exit)
      expect(server.stderr()).not.toMatch(/^\s+at /m)
      expect(server.stdout()).not.toContain("level=ERROR")
      expect(await portIsFree(port)).toBe(true)
    })

    it("keeps targets, executions and the token, and does not rewrite the token file", async () => {
      server = start({ PORT: String(port) })
      expect(await listeningPort(server, 50_000)).toBe(port)

      const targetsAfter = await call("POST", "/v2/actions/targets/search", byName)
      const executionsAfter = await call("POST", "/v2/actions/executions/search", byId)
      const single = await call("GET", `/v2/actions/targets/${targets.call}`)

      expect(targetsAfter).toEqual({ status: 200, body: targetsBefore })
      expect(executionsAfter).toEqual({ status: 200, body: executionsBefore })
      expect(single.body.target.name).toBe("b-call")
      expect(tokenFileState()).toEqual(tokenFileBefore)
      expect(server.stdout()).toContain("Instance already set up")
      expect(server.stdout()).toContain(`admin_token_file=${tokenFile}`)
      expect(server.stdout()).not.toContain("admin token written")
    }, 55_000)

    it("stops on SIGINT with a clean exit and frees the port", async () => {
      const exit = await stopServer(server, "SIGINT")

      expect(cleanExits("SIGINT"), server.stdout() + server.stderr()).toContainEqual(exit)
      expect(server.stderr()).not.toMatch(/^\s+at /m)
      expect(server.stdout()).not.toContain("level=ERROR")
      expect(await portIsFree(port)).toBe(true)
    })
  })

  it("never logs the admin token", () => {
    expect(logs.length).toBe(2)
    for (const output of logs) expect(output()).not.toContain(token)
  })

  it("refuses a bad configuration with one line per bad value and no stack trace", async () => {
    const exit = await refused.exited

    expect(exit).toEqual({ code: 2, signal: null })
    expect(refused.stderr().split("\n")).toEqual([
      "citadel: PORT must be an integer from 0 to 65535, got \"abc\"",
      "citadel: LOG_LEVEL must be one of debug, info, warning, error, got \"loud\"",
      ""
    ])
    expect(refused.stdout()).toBe("")
    expect(fs.existsSync(refusedDir)).toBe(false)
  })
})
