import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  checkConditionExists,
  type Condition,
  conditionOfId,
  event,
  executionId,
  fn,
  request,
  response,
  validateCondition
} from "../src/execution/index.js"
import { refusalOf } from "./support/given.js"
import { testCatalog } from "./support/executions.js"

const method = "/zitadel.action.v2.ActionService/CreateTarget"
const service = "zitadel.action.v2.ActionService"

describe("Execution ids", () => {
  it.each<[string, Condition, string]>([
    ["request all", request({ all: true }), "request"],
    ["request service", request({ service }), `request/${service}`],
    ["request method", request({ method }), `request/${service}/CreateTarget`],
    [
      "request method without slash",
      request({ method: method.slice(1) }),
      `request/${method.slice(1)}`
    ],
    ["response all", response({ all: true }), "response"],
    ["response service", response({ service: "service" }), "response/service"],
    ["response method", response({ method: "method" }), "response/method"],
    ["function", fn("preuserinfo"), "function/preuserinfo"],
    ["event all", event({ all: true }), "event"],
    ["event type", event({ event: "user.human.added" }), "event/user.human.added"],
    ["event group", event({ group: "user.human" }), "event/user.human.*"],
    ["event group with suffix", event({ group: "user.*" }), "event/user.*"],
    ["nothing set", request({}), ""],
    ["empty function", fn(""), ""]
  ])("derives the id of %s", (_, condition, id) => {
    expect(executionId(condition)).toBe(id)
  })

  it.each<[string, Condition]>([
    ["request", request({ all: true })],
    ["response/zitadel.action.v2.ActionService", response({ service })],
    [`request${method}`, request({ method })],
    ["function/preaccesstoken", fn("preaccesstoken")],
    ["event", event({ all: true })],
    ["event/user.human.added", event({ event: "user.human.added" })],
    ["event/user.human.*", event({ group: "user.human" })]
  ])("reads the condition back from %s", (id, condition) => {
    expect(conditionOfId(id)).toEqual(condition)
    expect(executionId(conditionOfId(id)!)).toBe(id)
  })

  it("reads no condition from a malformed id", () => {
    expect(conditionOfId("request/a/b/c")).toBeUndefined()
    expect(conditionOfId("event/a/b")).toBeUndefined()
    expect(conditionOfId("nothing/x")).toBeUndefined()
    expect(conditionOfId("function")).toBeUndefined()
  })
})

describe("Execution conditions › shape", () => {
  it.each<[Condition, string]>([
    [request({}), "COMMAND-3tkej630e6"],
    [request({ method: "", service: "", all: false }), "COMMAND-3tkej630e6"],
    [request({ method: "m", service: "s" }), "COMMAND-nee5q8aszq"],
    [response({ service: "s", all: true }), "COMMAND-nee5q8aszq"],
    [fn(""), "COMMAND-5folwn5jws"],
    [event({}), "COMMAND-w5smb6v7qu"],
    [event({ event: "e", group: "g" }), "COMMAND-hdm4zl1hmd"],
    [event({ group: "g", all: true }), "COMMAND-hdm4zl1hmd"]
  ])("refuses %o", (condition, id) => {
    expect(refusalOf(validateCondition(condition))).toMatchObject({
      kind: "InvalidArgument",
      id,
      message: "Errors.Execution.Invalid"
    })
  })

  it("accepts exactly one choice", () => {
    expect(validateCondition(request({ method: "m", all: false }))).toEqual(Either.void)
    expect(validateCondition(event({ all: true }))).toEqual(Either.void)
  })
})

describe("Execution conditions › existence", () => {
  it.each<[Condition, string]>([
    [request({ method: "/zitadel.action.v2.ActionService/Nope" }), "COMMAND-vysplsevt8"],
    [response({ service: "zitadel.user.v2.UserService" }), "COMMAND-qu6dfhiioq"],
    [fn("postauthentication"), "COMMAND-cdy39t0ksr"],
    [event({ event: "user.human.removed" }), "COMMAND-74aaqj8fv9"],
    [event({ group: "org" }), "COMMAND-er5oneb5lz"]
  ])("refuses a condition naming something unknown %o", (condition, id) => {
    expect(refusalOf(checkConditionExists(condition, testCatalog))).toMatchObject({
      kind: "NotFound",
      id,
      message: "Errors.Execution.ConditionInvalid"
    })
  })

  it.each<Condition>([
    request({ method }),
    request({ method: method.slice(1) }),
    response({ service }),
    request({ all: true }),
    fn("presamlresponse"),
    event({ event: "user.human.added" }),
    event({ group: "user" }),
    event({ group: "user.human.*" }),
    event({ all: true })
  ])("accepts a condition the catalog knows %o", (condition) => {
    expect(checkConditionExists(condition, testCatalog)).toEqual(Either.void)
  })
})
