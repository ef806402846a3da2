import { describe, expect, it } from "@effect/vitest"
import {
  actionServiceMethods,
  defaultFunctions,
  eventTypes,
  makeCatalog,
  serviceOfMethod
} from "../src/catalog/index.js"

describe("Catalog", () => {
  it("derives services from full gRPC method names", () => {
    const catalog = makeCatalog({
      methods: ["/zitadel.user.v2.UserService/AddHumanUser", ...actionServiceMethods],
      eventTypes: []
    })
    expect([...catalog.services]).toEqual([
      "zitadel.user.v2.UserService",
      "zitadel.action.v2.ActionService"
    ])
    expect(catalog.methods.has("/zitadel.action.v2.ActionService/SetExecution")).toBe(true)
  })

  it("derives event groups from the dotted prefixes of event types", () => {
    const catalog = makeCatalog({ methods: [], eventTypes: ["user.human.added", ...eventTypes] })
    expect([...catalog.eventGroups].sort()).toEqual([
      "execution",
      "execution.v2",
      "target",
      "user",
      "user.human"
    ])
  })

  it("lists ZITADEL's functions unless told otherwise", () => {
    expect([...makeCatalog({ methods: [], eventTypes: [] }).functions]).toEqual([
      "preuserinfo",
      "preaccesstoken",
      "presamlresponse"
    ])
    expect([...makeCatalog({ methods: [], eventTypes: [], functions: ["f"] }).functions])
      .toEqual(["f"])
    expect(defaultFunctions).toHaveLength(3)
  })

  it("lists every rpc of the action service", () => {
    expect(actionServiceMethods).toHaveLength(15)
    expect(actionServiceMethods).toContain("/zitadel.action.v2.ActionService/ListExecutionMethods")
  })

  it("reads the service of a method and nothing from other strings", () => {
    expect(serviceOfMethod("/pkg.Service/Method")).toBe("pkg.Service")
    expect(serviceOfMethod("pkg.Service/Method")).toBeUndefined()
    expect(serviceOfMethod("/pkg.Service")).toBeUndefined()
  })
})
