/**
 * The project and app routes in the real server: real bearer authentication (the bootstrap
 * admin, an instance owner), the real password hasher and the composed read models.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startServer, type TestServer } from "./support.js"

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  await server?.close()
})

describe("Management projects in the server", () => {
  it("creates a project and an app in the admin's org, the secret shown once", async () => {
    const project = await server.request("POST", "/management/v1/projects", {
      json: { name: "served" }
    })
    expect(project.status).toBe(200)
    const projectId = project.body.id as string

    const app = await server.request("POST", `/management/v1/projects/${projectId}/apps/oidc`, {
      json: {
        name: "web",
        redirectUris: ["https://served.example.com/cb"],
        responseTypes: ["OIDC_RESPONSE_TYPE_CODE"],
        grantTypes: ["OIDC_GRANT_TYPE_AUTHORIZATION_CODE"]
      }
    })
    expect(app.status).toBe(200)
    expect(app.body.clientSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/)

    const path = `/management/v1/projects/${projectId}/apps/${app.body.appId}`
    const got = await server.request("GET", path)
    expect(got.status).toBe(200)
    expect(got.body.app.oidcConfig.clientId).toBe(app.body.clientId)
    expect(got.text).not.toContain(app.body.clientSecret)
    expect(got.text).not.toContain("argon2")

    const anonymous = await server.request("GET", `/management/v1/projects/${projectId}`, {
      token: null
    })
    expect(anonymous.status).toBe(401)
  })

  it("names the management service's methods as execution conditions", async () => {
    const methods = await server.request("GET", "/v2/actions/executions/methods")
    expect(methods.body.methods).toContain("/zitadel.management.v1.ManagementService/AddOIDCApp")
  })
})
