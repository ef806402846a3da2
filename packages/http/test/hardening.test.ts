import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Code, errorBody, startServer, type TestServer } from "./support.js"

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  await server?.close()
})

const valid = {
  name: "hardening-target",
  restCall: {},
  endpoint: "https://hooks.example.com/hardening",
  timeout: "5s"
}

const undecodable = (detail: string) => ({
  status: 400,
  body: errorBody(Code.InvalidArgument, "API-d3c0d", "Errors.Invalid.Argument", detail)
})

const create = async (raw: string) => {
  const reply = await server.request("POST", "/v2/actions/targets", { raw })
  return { status: reply.status, body: reply.body }
}

describe("hostile bodies", () => {
  it("refuses nesting deeper than 32 levels, naming where", async () => {
    const deep = `{"name":"x","extra":${"[".repeat(5000)}${"]".repeat(5000)}}`
    const reply = await create(deep)
    expect(reply.status).toBe(400)
    expect(reply.body.message).toMatch(/^Errors\.Invalid\.Argument: extra(\[0\]){31}: must not /)
    expect(reply.body.message).toContain("nest deeper than 32 levels")
  })

  it("accepts nesting up to the limit where the schema allows it", async () => {
    const reply = await create(JSON.stringify({ ...valid, name: "nested-ok" }))
    expect(reply.status).toBe(200)
  })

  it("refuses a lone surrogate, naming the field", async () => {
    const raw = JSON.stringify({ ...valid, name: "x" }).replace("\"x\"", "\"x\\ud800\"")
    expect(await create(raw)).toEqual(
      undecodable("name: must be valid Unicode (it holds a lone surrogate)")
    )
  })

  it("accepts a well-formed surrogate pair", async () => {
    const reply = await create(JSON.stringify({ ...valid, name: "emoji \u{1F512}" }))
    expect(reply.status).toBe(200)
  })

  it("answers 413 for a body over 1 MiB, without reading it", async () => {
    const raw = JSON.stringify({ ...valid, name: "a".repeat(1024 * 1024) })
    expect(await create(raw)).toEqual({
      status: 413,
      body: errorBody(
        Code.InvalidArgument,
        "API-b0dy1",
        "Errors.Invalid.Argument",
        "the body is larger than 1048576 bytes"
      )
    })
  })

  it("never echoes more than a few hundred characters of a bad value", async () => {
    const reply = await create(JSON.stringify({ ...valid, name: "b".repeat(100_000) }))
    expect(reply.status).toBe(400)
    expect(JSON.stringify(reply.body).length).toBeLessThan(1000)
    expect(reply.body.message).toMatch(/^Errors\.Invalid\.Argument: name: Expected a string/)
  })
})

describe("401 responses", () => {
  it("name the bearer scheme (RFC 6750)", async () => {
    const reply = await server.request("GET", "/v2/actions/executions/functions", { token: null })
    expect(reply.status).toBe(401)
    expect(reply.headers.get("www-authenticate")).toBe("Bearer realm=\"citadel\"")
  })
})

describe("the OpenAPI document", () => {
  it("has no reference to a definition it does not hold", async () => {
    const reply = await server.request("GET", "/openapi.json", { token: null })
    const text = reply.text
    expect(text).not.toMatch(/#\/\$defs\//)
    const schemas = Object.keys(reply.body.components?.schemas ?? {})
    const referenced = [...text.matchAll(/#\/components\/schemas\/([A-Za-z0-9_]+)/g)]
      .map((match) => match[1])
    expect(referenced.filter((name) => !schemas.includes(name!))).toEqual([])
  })
})
