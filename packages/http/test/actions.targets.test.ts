import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Code, errorBody, isoDate, startServer, type TestServer } from "./support.js"

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  await server?.close()
})

const targets = "/v2/actions/targets"

const create = (json: unknown) => server.request("POST", targets, { json })
const get = (id: string) => server.request("GET", `${targets}/${id}`)
const update = (id: string, json: unknown) => server.request("POST", `${targets}/${id}`, { json })
const remove = (id: string) => server.request("DELETE", `${targets}/${id}`)
const search = (json: unknown) => server.request("POST", `${targets}/search`, { json })

/** Creates a target and returns its id, failing the test on anything but 200. */
const created = async (json: Record<string, unknown>): Promise<string> => {
  const reply = await create(json)
  expect(reply.status, reply.text).toBe(200)
  return reply.body.id
}

const targetOf = async (id: string) => {
  const reply = await get(id)
  expect(reply.status, reply.text).toBe(200)
  return reply.body.target
}

describe("CreateTarget", () => {
  it("creates a webhook target and shows it without its signing key", async () => {
    const reply = await create({
      name: "hook-one",
      restWebhook: { interruptOnError: true },
      endpoint: "https://hooks.example.com/one",
      timeout: "10s",
      payloadType: "PAYLOAD_TYPE_JWT"
    })
    expect(reply.status).toBe(200)
    expect(Object.keys(reply.body).sort()).toEqual(["creationDate", "id", "signingKey"])
    expect(reply.body.id).toMatch(/^\d+$/)
    expect(reply.body.creationDate).toMatch(isoDate)
    expect(reply.body.signingKey).toMatch(/^[A-Za-z0-9_-]{43,}$/)

    const shown = await get(reply.body.id)
    expect(shown.status).toBe(200)
    expect(shown.body).toEqual({
      target: {
        id: reply.body.id,
        creationDate: reply.body.creationDate,
        changeDate: reply.body.creationDate,
        name: "hook-one",
        restWebhook: { interruptOnError: true },
        timeout: "10s",
        endpoint: "https://hooks.example.com/one",
        payloadType: "PAYLOAD_TYPE_JWT"
      }
    })
    expect(shown.text).not.toContain(reply.body.signingKey)
    expect(shown.text).not.toContain("signingKey")
  })

  it("creates a call target [interruptOnError defaults to false]", async () => {
    const id = await created({
      name: "call-one",
      restCall: {},
      endpoint: "http://127.0.0.1:9/call",
      timeout: "0.25s",
      payloadType: "PAYLOAD_TYPE_JSON"
    })
    const target = await targetOf(id)
    expect(target.restCall).toEqual({ interruptOnError: false })
    expect(target.restWebhook).toBeUndefined()
    expect(target.restAsync).toBeUndefined()
    expect(target.timeout).toBe("0.25s")
  })

  it("creates an async target [payload type defaults to JSON]", async () => {
    const id = await created({
      name: "async-one",
      restAsync: {},
      endpoint: "http://127.0.0.1:9/async",
      timeout: "270s"
    })
    const target = await targetOf(id)
    expect(target).toEqual({
      id,
      creationDate: target.creationDate,
      changeDate: target.creationDate,
      name: "async-one",
      restAsync: {},
      timeout: "270s",
      endpoint: "http://127.0.0.1:9/async",
      payloadType: "PAYLOAD_TYPE_JSON"
    })
  })

  it("accepts the proto's snake_case field names and enums by number", async () => {
    const id = await created({
      name: "snake-one",
      rest_call: { interrupt_on_error: true },
      endpoint: "https://hooks.example.com/snake",
      timeout: "1.5s",
      payload_type: 3
    })
    const target = await targetOf(id)
    expect(target.restCall).toEqual({ interruptOnError: true })
    expect(target.timeout).toBe("1.5s")
    expect(target.payloadType).toBe("PAYLOAD_TYPE_JWE")
  })

  it("accepts every payload type by name and by number", async () => {
    const names = [
      "PAYLOAD_TYPE_UNSPECIFIED",
      "PAYLOAD_TYPE_JSON",
      "PAYLOAD_TYPE_JWT",
      "PAYLOAD_TYPE_JWE"
    ]
    for (const [number, name] of names.entries()) {
      const byName = await created({
        name: `payload-name-${number}`,
        restAsync: {},
        endpoint: "https://hooks.example.com/p",
        timeout: "1s",
        payloadType: name
      })
      const byNumber = await created({
        name: `payload-number-${number}`,
        restAsync: {},
        endpoint: "https://hooks.example.com/p",
        timeout: "1s",
        payloadType: number
      })
      expect((await targetOf(byName)).payloadType).toBe(name)
      expect((await targetOf(byNumber)).payloadType).toBe(name)
    }
  })

  it("refuses a name that is taken", async () => {
    const first = {
      name: "taken-name",
      restAsync: {},
      endpoint: "https://hooks.example.com/t",
      timeout: "1s"
    }
    await created(first)
    const reply = await create(first)
    expect(reply.status).toBe(409)
    expect(reply.body).toEqual(
      errorBody(Code.AlreadyExists, "TARGET-uN1qNm", "Errors.Target.AlreadyExists")
    )
  })
})

describe("GetTarget", () => {
  it("answers 404 for an unknown id", async () => {
    const reply = await get("404404404")
    expect(reply.status).toBe(404)
    expect(reply.body).toEqual(errorBody(Code.NotFound, "QUERY-Tg4Nf", "Errors.Target.NotFound"))
  })
})

describe("UpdateTarget", () => {
  const base = {
    restWebhook: { interruptOnError: false },
    endpoint: "https://hooks.example.com/up",
    timeout: "5s",
    payloadType: "PAYLOAD_TYPE_JSON"
  }

  /** Applies one change and returns the target before and after it. */
  const changeOne = async (name: string, change: Record<string, unknown>) => {
    const id = await created({ ...base, name })
    const before = await targetOf(id)
    const reply = await update(id, change)
    expect(reply.status, reply.text).toBe(200)
    expect(Object.keys(reply.body)).toEqual(["changeDate"])
    const after = await targetOf(id)
    expect(after.changeDate).toBe(reply.body.changeDate)
    expect(after.creationDate).toBe(before.creationDate)
    return { id, before, after }
  }

  it("changes the name", async () => {
    const { after, before } = await changeOne("up-name", { name: "up-name-renamed" })
    expect(after).toEqual({ ...before, name: "up-name-renamed", changeDate: after.changeDate })
  })

  it("changes the endpoint", async () => {
    const { after, before } = await changeOne("up-endpoint", { endpoint: "http://127.0.0.1:1/x" })
    expect(after).toEqual({
      ...before,
      endpoint: "http://127.0.0.1:1/x",
      changeDate: after.changeDate
    })
  })

  it("changes the timeout", async () => {
    const { after, before } = await changeOne("up-timeout", { timeout: "42.5s" })
    expect(after).toEqual({ ...before, timeout: "42.5s", changeDate: after.changeDate })
  })

  it("changes the payload type [by number]", async () => {
    const { after, before } = await changeOne("up-payload", { payload_type: 2 })
    expect(after).toEqual({
      ...before,
      payloadType: "PAYLOAD_TYPE_JWT",
      changeDate: after.changeDate
    })
  })

  it("changes a webhook into a call that interrupts", async () => {
    const { after, before } = await changeOne("up-call", { restCall: { interruptOnError: true } })
    const { restWebhook: _, ...rest } = before
    expect(after).toEqual({
      ...rest,
      restCall: { interruptOnError: true },
      changeDate: after.changeDate
    })
  })

  it("changes the interruptOnError flag of a webhook", async () => {
    const { after } = await changeOne("up-interrupt", {
      rest_webhook: { interrupt_on_error: true }
    })
    expect(after.restWebhook).toEqual({ interruptOnError: true })
  })

  it("changes a webhook into an async target", async () => {
    const { after, before } = await changeOne("up-async", { restAsync: {} })
    const { restWebhook: _, ...rest } = before
    expect(after).toEqual({ ...rest, restAsync: {}, changeDate: after.changeDate })
  })

  it("keeps the change date when nothing changes", async () => {
    const id = await created({ ...base, name: "up-same" })
    const before = await targetOf(id)
    const reply = await update(id, { name: "up-same", timeout: "5s" })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ changeDate: before.changeDate })
    expect(await targetOf(id)).toEqual(before)
  })

  it("rotates the signing key when expirationSigningKey is \"0s\"", async () => {
    const first = await create({ ...base, name: "up-key" })
    const reply = await update(first.body.id, { expirationSigningKey: "0s" })
    expect(reply.status).toBe(200)
    expect(Object.keys(reply.body).sort()).toEqual(["changeDate", "signingKey"])
    expect(reply.body.signingKey).toMatch(/^[A-Za-z0-9_-]{43,}$/)
    expect(reply.body.signingKey).not.toBe(first.body.signingKey)

    const again = await update(first.body.id, { expiration_signing_key: "0s" })
    expect(again.body.signingKey).not.toBe(reply.body.signingKey)
    expect((await get(first.body.id)).text).not.toContain(again.body.signingKey)
  })

  it("refuses any other signing key expiration", async () => {
    const id = await created({ ...base, name: "up-key-later" })
    for (const expirationSigningKey of ["10s", "0.5s", "-1s"]) {
      const reply = await update(id, { expirationSigningKey })
      expect(reply.status).toBe(400)
      expect(reply.body).toEqual(
        errorBody(
          Code.InvalidArgument,
          "TARGET-0n30f",
          "Errors.Target.Invalid",
          "expirationSigningKey must be \"0s\""
        )
      )
    }
  })

  it("refuses two target types at once", async () => {
    const id = await created({ ...base, name: "up-two-types" })
    const reply = await update(id, { restCall: {}, restAsync: {} })
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual(
      errorBody(
        Code.InvalidArgument,
        "TARGET-0n30f",
        "Errors.Target.Invalid",
        "only one of restWebhook, restCall or restAsync may be set"
      )
    )
  })

  it("refuses a zero timeout, a bad endpoint and an empty name", async () => {
    const id = await created({ ...base, name: "up-invalid" })
    const zero = await update(id, { timeout: "0s" })
    expect(zero.status).toBe(400)
    expect(zero.body).toEqual(
      errorBody(
        Code.InvalidArgument,
        "COMMAND-08b39vdi57",
        "Errors.Target.NoTimeout",
        "timeout must be > 0"
      )
    )
    const endpoint = await update(id, { endpoint: "mailto:someone@example.com" })
    expect(endpoint.status).toBe(400)
    expect(endpoint.body.details[0].id).toBe("COMMAND-jsbaera7b6")
    const name = await update(id, { name: "" })
    expect(name.status).toBe(400)
    expect(name.body).toEqual(
      errorBody(
        Code.InvalidArgument,
        "COMMAND-d1wx4lm0zr",
        "Errors.Target.Invalid",
        "name is empty"
      )
    )
  })

  it("refuses a name another target holds", async () => {
    await created({ ...base, name: "up-holder" })
    const id = await created({ ...base, name: "up-wants" })
    const reply = await update(id, { name: "up-holder" })
    expect(reply.status).toBe(409)
    expect(reply.body).toEqual(
      errorBody(Code.AlreadyExists, "TARGET-uN1qNm", "Errors.Target.AlreadyExists")
    )
  })

  it("answers 404 for an unknown id", async () => {
    const reply = await update("404404404", { name: "nobody" })
    expect(reply.status).toBe(404)
    expect(reply.body).toEqual(
      errorBody(Code.NotFound, "COMMAND-xj14f2cccn", "Errors.Target.NotFound")
    )
  })
})

describe("DeleteTarget", () => {
  it("deletes a target; deleting it again succeeds with the same date", async () => {
    const id = await created({
      name: "del-one",
      restAsync: {},
      endpoint: "https://hooks.example.com/d",
      timeout: "1s"
    })
    const first = await remove(id)
    expect(first.status).toBe(200)
    expect(Object.keys(first.body)).toEqual(["deletionDate"])
    expect(first.body.deletionDate).toMatch(isoDate)

    const second = await remove(id)
    expect(second.status).toBe(200)
    expect(second.body).toEqual(first.body)

    expect((await get(id)).status).toBe(404)
    const listed = await search({ filters: [{ inTargetIdsFilter: { targetIds: [id] } }] })
    expect(listed.body).toEqual({
      pagination: { totalResult: "0", appliedLimit: "100" },
      targets: []
    })
  })

  it("frees the name of a deleted target", async () => {
    const spec = {
      name: "del-reuse",
      restAsync: {},
      endpoint: "https://hooks.example.com/d",
      timeout: "1s"
    }
    const id = await created(spec)
    expect((await remove(id)).status).toBe(200)
    const again = await created(spec)
    expect(again).not.toBe(id)
  })

  it("succeeds without a date for an unknown id", async () => {
    const reply = await remove("404404404")
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({})
  })
})

describe("ListTargets", () => {
  /** Names for the text filters; nothing else in this file holds "flt". */
  const names = ["Flt-Alpha", "flt-alpha-two", "Flt-Beta", "other-flt-beta_%"] as const
  const ids = new Map<string, string>()

  /** Three targets whose every column sorts in a different order. */
  const sorted = { s1: "", s2: "", s3: "" }

  beforeAll(async () => {
    for (const name of names) {
      ids.set(name, await created({
        name,
        restAsync: {},
        endpoint: "https://hooks.example.com/f",
        timeout: "1s"
      }))
    }
    sorted.s1 = await created({
      name: "srt-c",
      restWebhook: { interruptOnError: true },
      endpoint: "https://b.example.com/",
      timeout: "2s"
    })
    sorted.s2 = await created({
      name: "srt-a",
      restAsync: {},
      endpoint: "https://c.example.com/",
      timeout: "3s"
    })
    sorted.s3 = await created({
      name: "srt-b",
      restCall: { interruptOnError: true },
      endpoint: "https://a.example.com/",
      timeout: "1s"
    })
    const touched = await update(sorted.s2, { payloadType: "PAYLOAD_TYPE_JWT" })
    expect(touched.status).toBe(200)
  })

  const byName = async (targetName: string, method?: string | number) => {
    const reply = await search({
      filters: [{
        targetNameFilter: method === undefined ? { targetName } : { targetName, method }
      }],
      sortingColumn: "TARGET_FIELD_NAME_NAME",
      pagination: { asc: true }
    })
    expect(reply.status, reply.text).toBe(200)
    expect(reply.body.pagination.totalResult).toBe(String(reply.body.targets.length))
    return reply.body.targets.map((target: { name: string }) => target.name).sort()
  }

  it("filters by name with every text method", async () => {
    expect(await byName("Flt-Alpha")).toEqual(["Flt-Alpha"])
    expect(await byName("flt-alpha")).toEqual([])
    expect(await byName("Flt-Alpha", "TEXT_FILTER_METHOD_EQUALS")).toEqual(["Flt-Alpha"])
    expect(await byName("flt-ALPHA", "TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE")).toEqual([
      "Flt-Alpha"
    ])
    expect(await byName("Flt-", "TEXT_FILTER_METHOD_STARTS_WITH")).toEqual([
      "Flt-Alpha",
      "Flt-Beta"
    ])
    expect(await byName("flt-", "TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE")).toEqual([
      "Flt-Alpha",
      "Flt-Beta",
      "flt-alpha-two"
    ])
    expect(await byName("-alpha", "TEXT_FILTER_METHOD_CONTAINS")).toEqual(["flt-alpha-two"])
    expect(await byName("-ALPHA", "TEXT_FILTER_METHOD_CONTAINS_IGNORE_CASE")).toEqual([
      "Flt-Alpha",
      "flt-alpha-two"
    ])
    expect(await byName("Beta", "TEXT_FILTER_METHOD_ENDS_WITH")).toEqual(["Flt-Beta"])
    expect(await byName("TWO", "TEXT_FILTER_METHOD_ENDS_WITH_IGNORE_CASE")).toEqual([
      "flt-alpha-two"
    ])
  })

  it("filters by name with methods given by number", async () => {
    expect(await byName("FLT-BETA", 1)).toEqual(["Flt-Beta"])
    expect(await byName("flt-alpha", 5)).toEqual(["Flt-Alpha", "flt-alpha-two"])
  })

  it("matches wildcard characters literally", async () => {
    expect(await byName("_%", "TEXT_FILTER_METHOD_ENDS_WITH")).toEqual(["other-flt-beta_%"])
    expect(await byName("a_%", "TEXT_FILTER_METHOD_CONTAINS")).toEqual(["other-flt-beta_%"])
    expect(await byName("Flt_", "TEXT_FILTER_METHOD_STARTS_WITH")).toEqual([])
    expect(await byName("%", "TEXT_FILTER_METHOD_CONTAINS")).toEqual(["other-flt-beta_%"])
  })

  it("filters by ids, alone and with a name filter", async () => {
    const alpha = ids.get("Flt-Alpha")!
    const beta = ids.get("Flt-Beta")!
    const both = await search({
      filters: [{ inTargetIdsFilter: { targetIds: [alpha, beta, "404404404"] } }],
      pagination: { asc: true }
    })
    expect(both.status).toBe(200)
    expect(both.body.targets.map((target: { id: string }) => target.id)).toEqual([alpha, beta])
    expect(both.body.pagination).toEqual({ totalResult: "2", appliedLimit: "100" })

    const narrowed = await search({
      filters: [
        { in_target_ids_filter: { target_ids: [alpha, beta] } },
        { target_name_filter: { target_name: "Beta", method: "TEXT_FILTER_METHOD_ENDS_WITH" } }
      ]
    })
    expect(narrowed.body.targets.map((target: { id: string }) => target.id)).toEqual([beta])

    const none = await search({ filters: [{ inTargetIdsFilter: { targetIds: [] } }] })
    expect(none.body).toEqual({
      pagination: { totalResult: "0", appliedLimit: "100" },
      targets: []
    })
  })

  it("shows the full target in the list, never a signing key", async () => {
    const reply = await search({ filters: [{ inTargetIdsFilter: { targetIds: [sorted.s1] } }] })
    expect(reply.body.targets).toEqual([await targetOf(sorted.s1)])
    expect(reply.text).not.toContain("signingKey")
  })

  const sortedIds = async (sortingColumn: unknown, asc?: boolean) => {
    const reply = await search({
      filters: [{ inTargetIdsFilter: { targetIds: [sorted.s1, sorted.s2, sorted.s3] } }],
      ...(sortingColumn === undefined ? {} : { sortingColumn }),
      ...(asc === undefined ? {} : { pagination: { asc } })
    })
    expect(reply.status, reply.text).toBe(200)
    const order = reply.body.targets.map((target: { id: string }) => target.id)
    const key = Object.entries(sorted).map(([k, v]) => [v, k] as const)
    return order.map((id: string) => new Map(key).get(id))
  }

  it("sorts by every column, ascending and descending", async () => {
    const expected: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
      ["TARGET_FIELD_NAME_ID", ["s1", "s2", "s3"]],
      ["TARGET_FIELD_NAME_CREATED_DATE", ["s1", "s2", "s3"]],
      ["TARGET_FIELD_NAME_CHANGED_DATE", ["s1", "s3", "s2"]],
      ["TARGET_FIELD_NAME_NAME", ["s2", "s3", "s1"]],
      ["TARGET_FIELD_NAME_TARGET_TYPE", ["s1", "s3", "s2"]],
      ["TARGET_FIELD_NAME_URL", ["s3", "s1", "s2"]],
      ["TARGET_FIELD_NAME_TIMEOUT", ["s3", "s1", "s2"]],
      ["TARGET_FIELD_NAME_INTERRUPT_ON_ERROR", ["s2", "s1", "s3"]]
    ]
    for (const [column, ascending] of expected) {
      expect(await sortedIds(column, true), column).toEqual(ascending)
      expect(await sortedIds(column, false), column).toEqual([...ascending].reverse())
    }
  })

  it("sorts by creation date, newest first, by default", async () => {
    expect(await sortedIds(undefined)).toEqual(["s3", "s2", "s1"])
    expect(await sortedIds("TARGET_FIELD_NAME_UNSPECIFIED")).toEqual(["s3", "s2", "s1"])
    expect(await sortedIds(4, true)).toEqual(["s2", "s3", "s1"])
  })

  it("pages with totalResult and appliedLimit as strings", async () => {
    const page = async (pagination: Record<string, unknown>) => {
      const reply = await search({
        filters: [{ inTargetIdsFilter: { targetIds: [sorted.s1, sorted.s2, sorted.s3] } }],
        sorting_column: "TARGET_FIELD_NAME_NAME",
        pagination: { asc: true, ...pagination }
      })
      expect(reply.status, reply.text).toBe(200)
      return {
        pagination: reply.body.pagination,
        names: reply.body.targets.map((target: { name: string }) => target.name)
      }
    }
    expect(await page({ limit: 2 })).toEqual({
      pagination: { totalResult: "3", appliedLimit: "2" },
      names: ["srt-a", "srt-b"]
    })
    expect(await page({ limit: "2", offset: "2" })).toEqual({
      pagination: { totalResult: "3", appliedLimit: "2" },
      names: ["srt-c"]
    })
    expect(await page({ limit: 2, offset: 5 })).toEqual({
      pagination: { totalResult: "3", appliedLimit: "2" },
      names: []
    })
    expect(await page({})).toEqual({
      pagination: { totalResult: "3", appliedLimit: "100" },
      names: ["srt-a", "srt-b", "srt-c"]
    })
    expect(await page({ limit: 1000 })).toEqual({
      pagination: { totalResult: "3", appliedLimit: "1000" },
      names: ["srt-a", "srt-b", "srt-c"]
    })
  })

  it("refuses a limit over 1000", async () => {
    const reply = await search({ pagination: { limit: 1001 } })
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual(
      errorBody(
        Code.InvalidArgument,
        "QUERY-4M0fs",
        "Errors.Query.LimitExceeded",
        "given: 1001, allowed: 1000"
      )
    )
  })

  it("refuses a negative limit and an unknown sorting column, naming the field", async () => {
    const negative = await search({ pagination: { limit: -1 } })
    expect(negative.status).toBe(400)
    expect(negative.body.message).toMatch(/^Errors\.Invalid\.Argument: pagination\.limit: /)
    const column = await search({ sortingColumn: "TARGET_FIELD_NAME_COLOUR" })
    expect(column.status).toBe(400)
    expect(column.body.message).toMatch(
      /^Errors\.Invalid\.Argument: sortingColumn: expected one of /
    )
  })

  it("refuses a filter that sets no field or two", async () => {
    for (const filter of [{}, {
      targetNameFilter: { targetName: "x" },
      inTargetIdsFilter: { targetIds: [] }
    }]) {
      const reply = await search({ filters: [filter] })
      expect(reply.status).toBe(400)
      expect(reply.body).toEqual(
        errorBody(
          Code.InvalidArgument,
          "QUERY-f1lt3r",
          "Errors.Query.InvalidRequest",
          "filters[0]: exactly one filter must be set"
        )
      )
    }
  })
})
