import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Code, errorBody, isoDate, method, startServer, type TestServer } from "./support.js"

let server: TestServer

const executions = "/v2/actions/executions"

const setExecution = (json: unknown) => server.request("PUT", executions, { json })
const search = (json: unknown) => server.request("POST", `${executions}/search`, { json })

let targetCount = 0

/** A fresh async target; returns its id. */
const newTarget = async (): Promise<string> => {
  targetCount += 1
  const reply = await server.request("POST", "/v2/actions/targets", {
    json: {
      name: `exec-target-${targetCount}`,
      restAsync: {},
      endpoint: "https://hooks.example.com/exec",
      timeout: "1s"
    }
  })
  expect(reply.status, reply.text).toBe(200)
  return reply.body.id
}

/** Sets an execution, failing the test on anything but 200; returns the set date. */
const set = async (condition: unknown, targets: ReadonlyArray<unknown>): Promise<string> => {
  const reply = await setExecution({ condition, targets })
  expect(reply.status, reply.text).toBe(200)
  expect(Object.keys(reply.body)).toEqual(["setDate"])
  expect(reply.body.setDate).toMatch(isoDate)
  return reply.body.setDate
}

/** The listed executions of these conditions, oldest first. */
const listed = async (...conditions: ReadonlyArray<unknown>) => {
  const reply = await search({
    filters: [{ inConditionsFilter: { conditions } }],
    sortingColumn: "EXECUTION_FIELD_NAME_CREATED_DATE",
    pagination: { asc: true }
  })
  expect(reply.status, reply.text).toBe(200)
  expect(reply.body.pagination.totalResult).toBe(String(reply.body.executions.length))
  return reply.body.executions
}

const request = (name: string) => ({ request: { method: method(name) } })
const response = (name: string) => ({ response: { method: method(name) } })
const fn = (name: string) => ({ function: { name } })
const event = (type: string) => ({ event: { event: type } })
const group = (name: string) => ({ event: { group: name } })

let t1 = ""
let t2 = ""
let t3 = ""

beforeAll(async () => {
  server = await startServer()
  t1 = await newTarget()
  t2 = await newTarget()
  t3 = await newTarget()
})

afterAll(async () => {
  await server?.close()
})

describe("SetExecution", () => {
  it("sets v2 plain target ids, in order", async () => {
    const setDate = await set(request("GetTarget"), [t2, t1])
    expect(await listed(request("GetTarget"))).toEqual([{
      condition: request("GetTarget"),
      creationDate: setDate,
      changeDate: setDate,
      targets: [t2, t1]
    }])
  })

  it("sets v2beta target and include entries", async () => {
    await set(request("GetTarget"), [t1])
    const condition = { response: { service: "zitadel.action.v2.ActionService" } }
    await set(condition, [{ target: t3 }, { include: request("GetTarget") }])
    const [execution] = await listed(condition)
    expect(execution.condition).toEqual(condition)
    expect(execution.targets).toEqual([t3, { include: request("GetTarget") }])
  })

  it("keeps a mixed list in its order and replaces it whole", async () => {
    const condition = { request: { all: true } }
    const first = await set(condition, [t3, { include: request("GetTarget") }, { target: t1 }])
    expect((await listed(condition))[0].targets).toEqual([
      t3,
      { include: request("GetTarget") },
      t1
    ])

    const second = await set(condition, [{ target: t1 }, t3])
    const [execution] = await listed(condition)
    expect(execution).toEqual({
      condition,
      creationDate: first,
      changeDate: second,
      targets: [t1, t3]
    })
  })

  it("accepts every kind of condition", async () => {
    const conditions = [
      response("ListTargets"),
      { response: { all: true } },
      { request: { service: "zitadel.action.v2.ActionService" } },
      fn("preuserinfo"),
      event("target.added"),
      group("target"),
      group("user.*"),
      { event: { all: true } }
    ]
    for (const condition of conditions) await set(condition, [t2])
    const shown = await listed(...conditions)
    expect(shown.map((execution: { condition: unknown }) => execution.condition)).toEqual([
      response("ListTargets"),
      { response: { all: true } },
      { request: { service: "zitadel.action.v2.ActionService" } },
      fn("preuserinfo"),
      event("target.added"),
      group("target"),
      group("user"),
      { event: { all: true } }
    ])
  })

  it("removes an execution when the list is empty or absent", async () => {
    await set(fn("preaccesstoken"), [t1])
    await set(response("GetTarget"), [t1])
    expect(await listed(fn("preaccesstoken"), response("GetTarget"))).toHaveLength(2)

    await set(fn("preaccesstoken"), [])
    const absent = await setExecution({ condition: response("GetTarget") })
    expect(absent.status).toBe(200)
    expect(await listed(fn("preaccesstoken"), response("GetTarget"))).toEqual([])
  })

  it("drops a deleted target from every execution that listed it", async () => {
    const doomed = await newTarget()
    await set(request("CreateTarget"), [t1, doomed])
    await set(request("UpdateTarget"), [doomed])
    const deleted = await server.request("DELETE", `/v2/actions/targets/${doomed}`)
    expect(deleted.status).toBe(200)

    const shown = await listed(request("CreateTarget"), request("UpdateTarget"))
    expect(shown.map((execution: { targets: unknown }) => execution.targets)).toEqual([[t1]])
    const byTarget = await search({ filters: [{ targetFilter: { targetId: doomed } }] })
    expect(byTarget.body).toEqual({
      pagination: { totalResult: "0", appliedLimit: "100" },
      executions: []
    })
  })
})

describe("SetExecution refusals", () => {
  const refused = async (condition: unknown, targets: ReadonlyArray<unknown>) => {
    const reply = await setExecution({ condition, targets })
    return { status: reply.status, body: reply.body }
  }

  it("refuses a condition naming what the server does not know with 404", async () => {
    const cases: ReadonlyArray<readonly [unknown, string, string]> = [
      [request("Nope"), "COMMAND-vysplsevt8", `unknown method ${method("Nope")}`],
      [
        { response: { service: "zitadel.nope.v2.NopeService" } },
        "COMMAND-qu6dfhiioq",
        "unknown service zitadel.nope.v2.NopeService"
      ],
      [fn("nope"), "COMMAND-cdy39t0ksr", "unknown function nope"],
      [event("user.nope"), "COMMAND-74aaqj8fv9", "unknown event type user.nope"],
      [group("nope"), "COMMAND-er5oneb5lz", "unknown event group nope"]
    ]
    for (const [condition, id, detail] of cases) {
      expect(await refused(condition, [t1])).toEqual({
        status: 404,
        body: errorBody(Code.NotFound, id, "Errors.Execution.ConditionInvalid", detail)
      })
    }
  })

  it("refuses an unknown target with 404", async () => {
    expect(await refused(request("ListTargets"), [t1, "404404404"])).toEqual({
      status: 404,
      body: errorBody(Code.NotFound, "COMMAND-17e8fq1ggk", "Errors.Target.NotFound", "404404404")
    })
  })

  it("refuses a target listed twice with 404 and an empty target id with 400", async () => {
    expect(await refused(request("ListTargets"), [t1, { target: t1 }])).toEqual({
      status: 404,
      body: errorBody(
        Code.NotFound,
        "COMMAND-17e8fq1ggk",
        "Errors.Target.NotFound",
        "a target is listed twice"
      )
    })
    expect(await refused(request("ListTargets"), [t1, ""])).toEqual({
      status: 400,
      body: errorBody(
        Code.InvalidArgument,
        "EXEC-3ntrYv",
        "Errors.Execution.Invalid",
        "entry 2 names no target"
      )
    })
    expect(await listed(request("ListTargets"))).toEqual([])
  })

  it("refuses an unknown include with 404", async () => {
    expect(await refused(request("ListTargets"), [{ include: fn("presamlresponse") }])).toEqual({
      status: 404,
      body: errorBody(
        Code.NotFound,
        "COMMAND-slgj0l4cdz",
        "Errors.Execution.IncludeNotFound",
        "function/presamlresponse"
      )
    })
  })

  it("refuses a condition that sets two kinds or none", async () => {
    expect(await refused({ ...fn("preuserinfo"), ...event("target.added") }, [t1])).toEqual({
      status: 400,
      body: errorBody(
        Code.InvalidArgument,
        "EXEC-c0nd1t",
        "Errors.Execution.Invalid",
        "condition: only one of request, response, function or event may be set"
      )
    })
    expect(await refused({ request: { method: method("GetTarget"), all: true } }, [t1]))
      .toEqual({
        status: 400,
        body: errorBody(
          Code.InvalidArgument,
          "COMMAND-nee5q8aszq",
          "Errors.Execution.Invalid",
          "only one of method, service or all may be set"
        )
      })
  })

  const circular = (id: string, cycle: string) => ({
    status: 400,
    body: errorBody(Code.FailedPrecondition, id, "Errors.Execution.CircularInclude", cycle)
  })

  it("refuses an execution that includes itself", async () => {
    await set(event("target.changed"), [t1])
    expect(await refused(event("target.changed"), [t2, { include: event("target.changed") }]))
      .toEqual(circular("COMMAND-mo1cmjp5k7", "event/target.changed -> event/target.changed"))
  })

  it("refuses an include that closes a cycle of two", async () => {
    await set(event("instance.added"), [t1])
    await set(event("instance.removed"), [{ include: event("instance.added") }])
    expect(await refused(event("instance.added"), [{ include: event("instance.removed") }]))
      .toEqual(circular(
        "COMMAND-819opvhgjv",
        "event/instance.added -> event/instance.removed -> event/instance.added"
      ))
  })

  it("refuses an include that closes a cycle of three", async () => {
    await set(event("org.added"), [t1])
    await set(event("org.member.added"), [{ include: event("org.added") }])
    await set(event("org.member.removed"), [{ include: event("org.member.added") }])
    expect(await refused(event("org.added"), [{ include: event("org.member.removed") }]))
      .toEqual(circular(
        "COMMAND-819opvhgjv",
        "event/org.added -> event/org.member.removed -> event/org.member.added -> event/org.added"
      ))
    expect((await listed(event("org.added")))[0].targets).toEqual([t1])
  })

  const tooDeep = (chain: string) => ({
    status: 400,
    body: errorBody(
      Code.FailedPrecondition,
      "COMMAND-gbhd3g57oo",
      "Errors.Execution.MaxLevelsInclude",
      chain
    )
  })

  it("allows root -> A -> B and refuses root -> A -> B -> C", async () => {
    const [root, a, b, c] = [
      "user.machine.added",
      "user.pat.added",
      "user.pat.removed",
      "user.removed"
    ]
    await set(event(c!), [t1])
    await set(event(b!), [t2])
    await set(event(a!), [{ include: event(b!) }])
    await set(event(root!), [t3, { include: event(a!) }])
    expect((await listed(event(root!)))[0].targets).toEqual([t3, { include: event(a!) }])

    expect(await refused(event(b!), [{ include: event(c!) }])).toEqual(tooDeep(
      "event/user.machine.added -> event/user.pat.added -> event/user.pat.removed" +
        " -> event/user.removed"
    ))
  })

  it("refuses the same chain grown from above", async () => {
    const [root, a, b, c] = ["user.locked", "user.unlocked", "user.deactivated", "user.reactivated"]
    await set(event(c!), [t1])
    await set(event(b!), [{ include: event(c!) }])
    await set(event(a!), [{ include: event(b!) }])
    expect(await refused(event(root!), [{ include: event(a!) }])).toEqual(tooDeep(
      "event/user.locked -> event/user.unlocked -> event/user.deactivated -> event/user.reactivated"
    ))
    expect(await listed(event(root!))).toEqual([])
  })
})

describe("ListExecutions", () => {
  let only = ""
  let other = ""

  beforeAll(async () => {
    only = await newTarget()
    other = await newTarget()
    await set(fn("presamlresponse"), [only])
    await set(request("DeleteTarget"), [only, other])
    await set(response("SetExecution"), [{ include: fn("presamlresponse") }, only])
    await set(event("execution.v2.set"), [other])
  })

  const conditionsOf = (reply: { body: { executions: ReadonlyArray<{ condition: unknown }> } }) =>
    reply.body.executions.map((execution) => execution.condition)

  it("filters by target", async () => {
    const reply = await search({
      filters: [{ targetFilter: { targetId: only } }],
      sortingColumn: "EXECUTION_FIELD_NAME_ID",
      pagination: { asc: true }
    })
    expect(reply.status).toBe(200)
    expect(reply.body.pagination).toEqual({ totalResult: "3", appliedLimit: "100" })
    expect(conditionsOf(reply)).toEqual([
      fn("presamlresponse"),
      request("DeleteTarget"),
      response("SetExecution")
    ])
  })

  it("filters by execution type, by name and by number", async () => {
    const ofType = async (executionType: unknown) =>
      conditionsOf(
        await search({
          filters: [
            { executionTypeFilter: { executionType } },
            { targetFilter: { targetId: only } }
          ]
        })
      )
    expect(await ofType("EXECUTION_TYPE_REQUEST")).toEqual([
      request("DeleteTarget")
    ])
    expect(await ofType("EXECUTION_TYPE_RESPONSE")).toEqual([response("SetExecution")])
    expect(await ofType("EXECUTION_TYPE_FUNCTION")).toEqual([fn("presamlresponse")])
    expect(await ofType(4)).toEqual([fn("presamlresponse")])
    expect(await ofType("EXECUTION_TYPE_EVENT")).toEqual([])

    const unspecified = await search({
      filters: [{ executionTypeFilter: { executionType: "EXECUTION_TYPE_UNSPECIFIED" } }]
    })
    expect(unspecified.status).toBe(400)
    expect(unspecified.body).toEqual(
      errorBody(
        Code.InvalidArgument,
        "QUERY-f1lt3r",
        "Errors.Query.InvalidRequest",
        "filters[0]: executionType must be specified"
      )
    )
  })

  it("filters by conditions and by include", async () => {
    const byConditions = await search({
      filters: [{
        in_conditions_filter: {
          conditions: [event("execution.v2.set"), fn("presamlresponse"), fn("preuserinfo")]
        }
      }],
      sorting_column: "EXECUTION_FIELD_NAME_ID",
      pagination: { asc: true }
    })
    expect(conditionsOf(byConditions)).toEqual([
      event("execution.v2.set"),
      fn("presamlresponse"),
      fn("preuserinfo")
    ])

    const byInclude = await search({
      filters: [{ includeFilter: { include: fn("presamlresponse") } }]
    })
    expect(byInclude.body.executions).toEqual([{
      condition: response("SetExecution"),
      creationDate: byInclude.body.executions[0].creationDate,
      changeDate: byInclude.body.executions[0].changeDate,
      targets: [{ include: fn("presamlresponse") }, only]
    }])
  })

  it("sorts by id, creation and change date, both ways", async () => {
    // DeleteTarget's execution is changed last, so it is the newest by change date only
    await set(request("DeleteTarget"), [other, only])
    const order = async (sortingColumn: unknown, asc?: boolean) =>
      conditionsOf(
        await search({
          filters: [{ targetFilter: { targetId: only } }],
          ...(sortingColumn === undefined ? {} : { sortingColumn }),
          ...(asc === undefined ? {} : { pagination: { asc } })
        })
      )
    const deleteTarget = request("DeleteTarget")
    const byId = [fn("presamlresponse"), deleteTarget, response("SetExecution")]
    const byCreation = [fn("presamlresponse"), deleteTarget, response("SetExecution")]
    const byChange = [fn("presamlresponse"), response("SetExecution"), deleteTarget]
    expect(await order("EXECUTION_FIELD_NAME_ID", true)).toEqual(byId)
    expect(await order("EXECUTION_FIELD_NAME_ID", false)).toEqual([...byId].reverse())
    expect(await order("EXECUTION_FIELD_NAME_CREATED_DATE", true)).toEqual(byCreation)
    expect(await order(2, false)).toEqual([...byCreation].reverse())
    expect(await order("EXECUTION_FIELD_NAME_CHANGED_DATE", true)).toEqual(byChange)
    expect(await order(3, false)).toEqual([...byChange].reverse())
    expect(await order(undefined)).toEqual([...byCreation].reverse())
  })

  it("pages and refuses a limit over 1000", async () => {
    const page = await search({
      filters: [{ targetFilter: { targetId: only } }],
      pagination: { limit: 1, offset: 1, asc: true }
    })
    expect(page.body.pagination).toEqual({ totalResult: "3", appliedLimit: "1" })
    expect(conditionsOf(page)).toEqual([request("DeleteTarget")])

    const tooMany = await search({ pagination: { limit: "1001" } })
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.details[0].id).toBe("QUERY-4M0fs")
  })
})

describe("ListExecutionFunctions, ListExecutionMethods, ListExecutionServices", () => {
  it("lists the functions", async () => {
    const reply = await server.request("GET", `${executions}/functions`)
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ functions: ["preaccesstoken", "presamlresponse", "preuserinfo"] })
  })

  it("lists exactly the Action service methods this server serves", async () => {
    const reply = await server.request("GET", `${executions}/methods`)
    expect(reply.status).toBe(200)
    const methods: ReadonlyArray<string> = reply.body.methods
    expect(methods).toEqual([...methods].sort())
    expect(methods.filter((name) => name.startsWith(method("")))).toEqual([
      "CreateTarget",
      "DeleteTarget",
      "GetTarget",
      "ListExecutionFunctions",
      "ListExecutionMethods",
      "ListExecutionServices",
      "ListExecutions",
      "ListTargets",
      "SetExecution",
      "UpdateTarget"
    ].map(method))

    // and those are the Action service operations the HTTP API routes
    const openapi = (await server.request("GET", "/openapi.json", { token: null })).body
    const operations = Object.values(openapi.paths).flatMap((item: any) =>
      Object.values(item).map((operation: any) => String(operation.operationId))
    )
    expect(
      operations.filter((id) => id.startsWith("ActionService.")).map((id) =>
        method(id.slice("ActionService.".length))
      ).sort()
    ).toEqual(methods.filter((name) => name.startsWith(method(""))))
  })

  it("lists the services of the served methods", async () => {
    const reply = await server.request("GET", `${executions}/services`)
    expect(reply.status).toBe(200)
    const methods: ReadonlyArray<string> = (await server.request("GET", `${executions}/methods`))
      .body.methods
    const services = [...new Set(methods.map((name) => name.split("/")[1]!))].sort()
    expect(reply.body).toEqual({ services })
    expect(services).toContain("zitadel.action.v2.ActionService")
  })

  it("accepts every listed method and service as a condition", async () => {
    const methods = (await server.request("GET", `${executions}/methods`)).body.methods
    for (const name of methods) {
      const reply = await setExecution({ condition: { response: { method: name } }, targets: [] })
      expect(reply.status, name).toBe(200)
    }
    const services = (await server.request("GET", `${executions}/services`)).body.services
    for (const service of services) {
      const reply = await setExecution({ condition: { request: { service } }, targets: [] })
      expect(reply.status, service).toBe(200)
    }
  })
})
