import { Database, Migrations, NodeCrypto, WebKeys } from "@citadel/adapters"
import { Identity } from "@citadel/domain"
import { Effect, Either, Exit, Layer, Logger, LogLevel, Redacted, Scope } from "effect"
import * as Jose from "jose"
import * as fs from "node:fs/promises"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { readConfig } from "../src/config.js"
import { serverLayer } from "../src/server.js"
import { Code, errorBody, isoDate, startServer, type TestServer } from "./support.js"

const viewer = {
  userId: "wk-viewer",
  userName: "viewer",
  token: "wk-viewer-token",
  roles: ["IAM_OWNER_VIEWER"]
}
const nobody = { userId: "wk-nobody", userName: "nobody", token: "wk-nobody-token", roles: [] }

let server: TestServer

beforeAll(async () => {
  server = await startServer([viewer, nobody])
})

afterAll(async () => {
  await server?.close()
})

const list = async () => {
  const reply = await server.request("GET", "/v2/web_keys")
  expect(reply.status).toBe(200)
  return reply.body.webKeys as ReadonlyArray<Record<string, any>>
}

const jwks = async () => {
  const reply = await server.request("GET", "/oauth/v2/keys", { token: null })
  expect(reply.status).toBe(200)
  return reply.body.keys as ReadonlyArray<Record<string, any>>
}

const stateOf = async (id: string) => (await list()).find((key) => key.id === id)?.state

describe("first start", () => {
  it("creates two RSA 2048 / SHA256 keys, the first one active", async () => {
    const keys = await list()
    expect(keys.map((key) => [key.state, key.rsa])).toEqual([
      ["STATE_ACTIVE", { bits: "RSA_BITS_2048", hasher: "RSA_HASHER_SHA256" }],
      ["STATE_INACTIVE", { bits: "RSA_BITS_2048", hasher: "RSA_HASHER_SHA256" }]
    ])
    for (const key of keys) {
      expect(key.creationDate).toMatch(isoDate)
      expect(key.changeDate).toMatch(isoDate)
      expect(Object.keys(key).sort()).toEqual(["changeDate", "creationDate", "id", "rsa", "state"])
    }
  })
})

describe("GET /oauth/v2/keys", () => {
  it("publishes the public keys without authentication, cacheable for five minutes", async () => {
    const reply = await server.request("GET", "/oauth/v2/keys", { token: null })
    expect(reply.status).toBe(200)
    expect(reply.headers.get("cache-control")).toBe("max-age=300, must-revalidate")
    expect(reply.headers.get("content-type")).toContain("application/json")
    const keys = reply.body.keys as ReadonlyArray<Record<string, unknown>>
    expect(keys.map((key) => key["kid"])).toEqual((await list()).map((key) => key.id))
    for (const key of keys) {
      expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" })
      for (const member of ["d", "p", "q", "dp", "dq", "qi"]) expect(key).not.toHaveProperty(member)
    }
  })

  it("ignores a bad token: the endpoint is public", async () => {
    const reply = await server.request("GET", "/oauth/v2/keys", { token: "not-a-token" })
    expect(reply.status).toBe(200)
  })
})

describe("GET /.well-known/openid-configuration", () => {
  it("names the issuer and the key set, and only what exists", async () => {
    const reply = await server.request("GET", "/.well-known/openid-configuration", { token: null })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({
      issuer: server.baseUrl,
      jwks_uri: `${server.baseUrl}/oauth/v2/keys`,
      id_token_signing_alg_values_supported: [
        "EdDSA",
        "RS256",
        "RS384",
        "RS512",
        "ES256",
        "ES384",
        "ES512"
      ]
    })
  })
})

const ecdsa = (curve: string) => ({ ecdsa: { curve: `ECDSA_CURVE_${curve}` } })
const rsa = (bits: string, sha: string) => ({
  rsa: { bits: `RSA_BITS_${bits}`, hasher: `RSA_HASHER_SHA${sha}` }
})

describe("WebKeyService", () => {
  it.each([
    [{ ecdsa: { curve: "ECDSA_CURVE_P256" } }, ecdsa("P256"), { kty: "EC", crv: "P-256", alg: "ES256" }],
    [{ ecdsa: { curve: "ECDSA_CURVE_P384" } }, ecdsa("P384"), { kty: "EC", crv: "P-384", alg: "ES384" }],
    [{ ecdsa: { curve: 3 } }, ecdsa("P512"), { kty: "EC", crv: "P-521", alg: "ES512" }],
    [{ ecdsa: {} }, ecdsa("P256"), { kty: "EC", crv: "P-256", alg: "ES256" }],
    [{ ed25519: {} }, { ed25519: {} }, { kty: "OKP", crv: "Ed25519", alg: "EdDSA" }],
    [
      { rsa: { bits: "RSA_BITS_3072", hasher: "RSA_HASHER_SHA512" } },
      { rsa: { bits: "RSA_BITS_3072", hasher: "RSA_HASHER_SHA512" } },
      { kty: "RSA", alg: "RS512" }
    ],
    [{ rsa: { hasher: "RSA_HASHER_SHA384" } }, rsa("2048", "384"), { kty: "RSA", alg: "RS384" }],
    [{}, rsa("2048", "256"), { kty: "RSA", alg: "RS256" }]
  ])("creates %j as an inactive key, published at once", async (request, config, jwk) => {
    const created = await server.request("POST", "/v2/web_keys", { json: request })
    expect(created.status).toBe(200)
    expect(Object.keys(created.body).sort()).toEqual(["creationDate", "id"])
    expect(created.body.creationDate).toMatch(isoDate)
    const id = created.body.id as string

    const listed = (await list()).find((key) => key.id === id)
    expect(listed).toEqual({
      id,
      creationDate: created.body.creationDate,
      changeDate: created.body.creationDate,
      state: "STATE_INACTIVE",
      ...config
    })
    const published = (await jwks()).find((key) => key.kid === id)
    expect(published).toMatchObject({ ...jwk, kid: id, use: "sig" })
    expect(published).not.toHaveProperty("d")
  })

  it("refuses more than one key type", async () => {
    const reply = await server.request("POST", "/v2/web_keys", {
      json: { rsa: {}, ed25519: {} }
    })
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual(
      errorBody(
        Code.InvalidArgument,
        "WEBKEY-0n30f",
        "Errors.WebKey.Config",
        "only one of rsa, ecdsa or ed25519 may be set"
      )
    )
  })

  it("refuses an unknown enum value", async () => {
    const json = { rsa: { bits: "RSA_BITS_1024" } }
    const reply = await server.request("POST", "/v2/web_keys", { json })
    expect(reply.status).toBe(400)
    expect(reply.body.details[0].id).toBe("API-d3c0d")
  })

  it("rotates: the new key signs, the old one stays published, inactive", async () => {
    const before = (await list()).find((key) => key.state === "STATE_ACTIVE")!.id as string
    const created = await server.request("POST", "/v2/web_keys", { json: { ed25519: {} } })
    const next = created.body.id as string
    const jwksBefore = (await jwks()).map((key) => key.kid)

    const activated = await server.request("POST", `/v2/web_keys/${next}/activate`)
    expect(activated.status).toBe(200)
    expect(Object.keys(activated.body)).toEqual(["changeDate"])
    expect(activated.body.changeDate).toMatch(isoDate)

    expect(await stateOf(next)).toBe("STATE_ACTIVE")
    expect(await stateOf(before)).toBe("STATE_INACTIVE")
    const keys = await list()
    expect(keys.filter((key) => key.state === "STATE_ACTIVE").map((key) => key.id)).toEqual([next])
    expect(keys.find((key) => key.id === next)!.changeDate).toBe(activated.body.changeDate)
    expect((await jwks()).map((key) => key.kid)).toEqual(jwksBefore)

    // activating the active key again changes nothing
    const again = await server.request("POST", `/v2/web_keys/${next}/activate`)
    expect(again.status).toBe(200)
    expect(again.body.changeDate).toBe(activated.body.changeDate)
  })

  it("refuses to activate an unknown key", async () => {
    const reply = await server.request("POST", "/v2/web_keys/unknown-key/activate")
    expect(reply.status).toBe(404)
    expect(reply.body).toEqual(errorBody(Code.NotFound, "COMMAND-teiG3", "Errors.WebKey.NotFound"))
  })

  it("refuses to delete the active key", async () => {
    const active = (await list()).find((key) => key.state === "STATE_ACTIVE")!.id as string
    const reply = await server.request("DELETE", `/v2/web_keys/${active}`)
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual(
      errorBody(Code.FailedPrecondition, "COMMAND-Chai1", "Errors.WebKey.ActiveDelete")
    )
    expect(await stateOf(active)).toBe("STATE_ACTIVE")
  })

  it("deletes an inactive key: gone from the list and the key set", async () => {
    const created = await server.request("POST", "/v2/web_keys", { json: { ecdsa: {} } })
    const id = created.body.id as string
    expect((await jwks()).map((key) => key.kid)).toContain(id)

    const deleted = await server.request("DELETE", `/v2/web_keys/${id}`)
    expect(deleted.status).toBe(200)
    expect(deleted.body.deletionDate).toMatch(isoDate)
    expect((await list()).map((key) => key.id)).not.toContain(id)
    expect((await jwks()).map((key) => key.kid)).not.toContain(id)

    // already gone: the same deletion date; never there: no date at all
    const again = await server.request("DELETE", `/v2/web_keys/${id}`)
    expect(again.body).toEqual({ deletionDate: deleted.body.deletionDate })
    const unknown = await server.request("DELETE", "/v2/web_keys/never-there")
    expect(unknown.status).toBe(200)
    expect(unknown.body).toEqual({})
    const activate = await server.request("POST", `/v2/web_keys/${id}/activate`)
    expect(activate.status).toBe(404)
  })

  it.each([
    ["POST", "/v2/web_keys", { ed25519: {} }],
    ["POST", "/v2/web_keys/x/activate", undefined],
    ["DELETE", "/v2/web_keys/x", undefined],
    ["GET", "/v2/web_keys", undefined]
  ])("%s %s needs a token (401) and the permission (403)", async (method, target, json) => {
    const anonymous = await server.request(method, target, { token: null, json })
    expect(anonymous.status).toBe(401)
    const bad = await server.request(method, target, { token: "bogus", json })
    expect(bad.status).toBe(401)
    const denied = await server.request(method, target, { token: nobody.token, json })
    expect(denied.status).toBe(403)
    expect(denied.body.details[0].id).toBe("AUTHZ-HKJD33")
  })

  it("lets a viewer list but not change keys", async () => {
    const listed = await server.request("GET", "/v2/web_keys", { token: viewer.token })
    expect(listed.status).toBe(200)
    const created = await server.request("POST", "/v2/web_keys", { token: viewer.token, json: {} })
    expect(created.status).toBe(403)
    expect(created.body.message).toContain("missing iam.web_key.write")
  })
})

// -- a JWT signed with the active key, verified by a client against the served key set ------

const masterKey = "citadel-webkeys-http-master-key!"

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/** The server on a data folder of our own, so the test may open its database between runs. */
const runServer = async (dataDir: string, port: number) => {
  const config = Either.getOrThrow(
    readConfig(
      { PORT: String(port), CITADEL_DATA_DIR: dataDir, CITADEL_MASTERKEY: masterKey },
      dataDir
    )
  )
  const scope = Effect.runSync(Scope.make())
  const layer = serverLayer(config).pipe(Layer.provide(Logger.minimumLogLevel(LogLevel.None)))
  await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const token = (await fs.readFile(config.adminTokenFile, "utf8")).trim()
  return { close: () => Effect.runPromise(Scope.close(scope, Exit.void)), token }
}

/** Signs with the active key of the database in the data folder, as the server would. */
const signOffline = (dataDir: string, claims: Jose.JWTPayload) =>
  Effect.runPromise(
    WebKeys.signJwt(Identity.defaultInstanceId, claims, { type: "JWT" }).pipe(
      Effect.provide(
        NodeCrypto.layer(Redacted.make(masterKey)).pipe(
          Layer.merge(Layer.effectDiscard(Migrations.migrate).pipe(Layer.provideMerge(
            Database.layerFromUrlOrDir({ dataDir: path.join(dataDir, "db") })
          )))
        )
      ),
      Effect.scoped
    )
  )

describe("signing with the active key", () => {
  it("a JWT of the active key verifies against the served set; a restart adds no keys", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "citadel-webkeys-"))
    try {
      const port = await freePort()
      const base = `http://127.0.0.1:${port}`
      let running = await runServer(dataDir, port)
      const auth = { authorization: `Bearer ${running.token}` }
      const created = await (await fetch(`${base}/v2/web_keys`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ ecdsa: { curve: "ECDSA_CURVE_P384" } })
      })).json() as { id: string }
      await fetch(`${base}/v2/web_keys/${created.id}/activate`, { method: "POST", headers: auth })
      const keysBefore = await (await fetch(`${base}/v2/web_keys`, { headers: auth })).json()
      await running.close()

      const token = await signOffline(dataDir, { sub: "user-1", aud: "client-1", iss: base })

      running = await runServer(dataDir, port)
      try {
        const keysAfter = await (await fetch(`${base}/v2/web_keys`, {
          headers: { authorization: `Bearer ${running.token}` }
        })).json()
        expect(keysAfter).toEqual(keysBefore)

        const configuration = await fetch(`${base}/.well-known/openid-configuration`)
        const discovery = await configuration.json() as {
          readonly jwks_uri: string
        }
        const remote = Jose.createRemoteJWKSet(new URL(discovery.jwks_uri))
        const verified = await Jose.jwtVerify(token, remote, { issuer: base, audience: "client-1" })
        expect(verified.protectedHeader).toEqual({ alg: "ES384", kid: created.id, typ: "JWT" })
        expect(verified.payload.sub).toBe("user-1")

        // after rotating away from it, the key still verifies; once deleted it does not
        const rotated = await (await fetch(`${base}/v2/web_keys`, {
          method: "POST",
          headers: { authorization: `Bearer ${running.token}`, "content-type": "application/json" },
          body: "{}"
        })).json() as { id: string }
        await fetch(`${base}/v2/web_keys/${rotated.id}/activate`, {
          method: "POST",
          headers: { authorization: `Bearer ${running.token}` }
        })
        const stillValid = Jose.createRemoteJWKSet(new URL(`${base}/oauth/v2/keys`))
        await expect(Jose.jwtVerify(token, stillValid)).resolves.toBeDefined()
        await fetch(`${base}/v2/web_keys/${created.id}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${running.token}` }
        })
        const afterDelete = Jose.createRemoteJWKSet(new URL(`${base}/oauth/v2/keys`))
        await expect(Jose.jwtVerify(token, afterDelete)).rejects.toThrow()
      } finally {
        await running.close()
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true })
    }
  }, 120_000)
})
