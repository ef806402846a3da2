/**
 * Test support for the HTTP suites: the real server layer launched in this process on
 * 127.0.0.1 (embedded PGlite in a fresh data folder), a small JSON client over global `fetch`,
 * and extra users with chosen roles, written as the identity events the domain defines.
 */
import { Database, Migrations, NodeCrypto, SqlEventStore } from "@citadel/adapters"
import {
  Crypto,
  EventStore,
  Identity,
  type Expectation,
  type PendingEvent
} from "@citadel/domain"
import { Cause, Effect, Either, Exit, Layer, Logger, LogLevel, Redacted, Scope } from "effect"
import * as fs from "node:fs/promises"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { readConfig } from "../src/config.js"
import { serverLayer } from "../src/server.js"

/** A user to exist besides the admin: a machine user with a personal access token. */
export interface SeedUser {
  readonly userId: string
  readonly userName: string
  /** The token's secret, as a client sends it after `Bearer `. */
  readonly token: string
  /** Instance roles; no membership at all when empty. */
  readonly roles: ReadonlyArray<string>
  /** When the token expires; never by default. */
  readonly expiration?: Date
  /** A deactivated user keeps its token but may not use it. */
  readonly deactivated?: boolean
}

export interface Reply {
  readonly status: number
  readonly text: string
  /** The parsed JSON body, or undefined when the body is not JSON. */
  readonly body: any
  readonly headers: Headers
}

export interface RequestOptions {
  /** The bearer token; the admin's by default, none at all when null. */
  readonly token?: string | null
  /** Sent as JSON. */
  readonly json?: unknown
  /** Sent as it is, for malformed bodies. */
  readonly raw?: string
}

export interface TestServer {
  readonly baseUrl: string
  readonly adminToken: string
  readonly request: (method: string, path: string, options?: RequestOptions) => Promise<Reply>
  readonly close: () => Promise<void>
}

/** The same 32-byte master key for the seeding step and the server. */
const masterKey = "citadel-http-tests-master-key-32"

const seedOrgId = "seed-org"

/** A port free right now on 127.0.0.1; the server layer does not expose the one it bound. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

const instanceId = Identity.defaultInstanceId

const userEvents = (user: SeedUser, digest: string, now: Date): ReadonlyArray<PendingEvent> => {
  const spec = Identity.userAggregate
  const ref = { instanceId, type: spec.type, id: user.userId, owner: seedOrgId, version: 2 }
  const events: ReadonlyArray<Identity.UserEvent> = [
    {
      _tag: "MachineAdded",
      userName: user.userName,
      name: user.userName,
      description: "",
      accessTokenType: Identity.AccessTokenType.Bearer
    },
    {
      _tag: "PersonalAccessTokenAdded",
      tokenId: `${user.userId}-pat`,
      expiration: user.expiration ?? Identity.patNeverExpires,
      scopes: Identity.patDefaultScopes,
      tokenHash: digest
    },
    ...(user.deactivated === true ? [{ _tag: "UserDeactivated" as const }] : [])
  ]
  let state = spec.model.initial
  return events.map((event) => {
    const { payload, type } = spec.encode(event)
    const constraints = spec.constraints(state, event)
    state = spec.model.evolve(state, event)
    return { aggregate: ref, type, payload, creator: "SYSTEM", createdAt: now, constraints }
  })
}

const memberEvent = (user: SeedUser, now: Date): PendingEvent => {
  const spec = Identity.instanceAggregate
  const { payload, type } = spec.encode({
    _tag: "InstanceMemberAdded",
    userId: user.userId,
    roles: user.roles
  })
  return {
    aggregate: { instanceId, type: spec.type, id: instanceId, owner: instanceId, version: 1 },
    type,
    payload,
    creator: "SYSTEM",
    createdAt: now,
    constraints: []
  }
}

/**
 * Appends the users' events through the EventStore port on the data folder's database, before
 * the server opens it: the server layer exposes none of its ports, and the embedded database
 * has one owner at a time. The server's first start then sets up the instance on top, and its
 * bootstrap waits until the read models hold everything up to there, these users included.
 */
const seedUsers = (dataDir: string, users: ReadonlyArray<SeedUser>) =>
  Effect.gen(function*() {
    const crypto = yield* Crypto
    const store = yield* EventStore
    const now = new Date()
    const pending: Array<PendingEvent> = []
    const expectations: Array<Expectation> = []
    for (const user of users) {
      const digest = yield* crypto.digest(Redacted.make(user.token))
      pending.push(...userEvents(user, digest, now))
      expectations.push({ aggregate: { instanceId, type: "user", id: user.userId }, sequence: 0 })
    }
    pending.push(...users.filter((user) => user.roles.length > 0).map((u) => memberEvent(u, now)))
    yield* store.append(pending, expectations)
  }).pipe(
    Effect.provide(
      Layer.mergeAll(SqlEventStore.layer, NodeCrypto.layer(Redacted.make(masterKey))).pipe(
        Layer.provide(Layer.effectDiscard(Migrations.migrate).pipe(Layer.provideMerge(
          Database.layerFromUrlOrDir({ dataDir: path.join(dataDir, "db") })
        )))
      )
    ),
    Effect.scoped
  )

const readReply = async (response: Response): Promise<Reply> => {
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: response.status, text, body, headers: response.headers }
}

/** Request logs only when asked for; the suites read bodies, not logs. */
const logLevel = process.env["CITADEL_TEST_LOGS"] === "1" ? LogLevel.Info : LogLevel.None

/**
 * Builds the server layer on a port that was free a moment ago; if another process took the
 * port in between, tries again on a new one (the data folder is kept, so the second start finds
 * the instance set up).
 */
const launch = async (dataDir: string, attempts = 3) => {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const env = { PORT: String(port), CITADEL_DATA_DIR: dataDir, CITADEL_MASTERKEY: masterKey }
    const config = Either.getOrThrow(readConfig(env, dataDir))
    const scope = Effect.runSync(Scope.make())
    const layer = serverLayer(config).pipe(Layer.provide(Logger.minimumLogLevel(logLevel)))
    const built = await Effect.runPromiseExit(Layer.buildWithScope(layer, scope))
    if (Exit.isSuccess(built)) return { config, port, scope }
    await Effect.runPromise(Scope.close(scope, built))
    if (attempt >= attempts) throw new Error(`server did not start: ${Cause.pretty(built.cause)}`)
  }
}

/**
 * Starts `serverLayer` as `main.ts` configures it, on a free port of 127.0.0.1 with a fresh
 * data folder, optionally with extra users; resolves once the admin token file is written and
 * the server answers.
 */
export const startServer = async (seed: ReadonlyArray<SeedUser> = []): Promise<TestServer> => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "citadel-http-"))
  if (seed.length > 0) await Effect.runPromise(seedUsers(dataDir, seed))

  const { config, port, scope } = await launch(dataDir)
  const adminToken = (await fs.readFile(config.adminTokenFile, "utf8")).trim()
  const baseUrl = `http://127.0.0.1:${port}`

  const request = async (method: string, target: string, options: RequestOptions = {}) => {
    const token = options.token === undefined ? adminToken : options.token
    const headers: Record<string, string> = {}
    if (token !== null) headers["authorization"] = `Bearer ${token}`
    let body: string | undefined
    if (options.raw !== undefined) body = options.raw
    else if (options.json !== undefined) body = JSON.stringify(options.json)
    if (body !== undefined) headers["content-type"] = "application/json"
    const init: RequestInit = body === undefined ? { method, headers } : { method, headers, body }
    return readReply(await fetch(`${baseUrl}${target}`, init))
  }

  const health = await request("GET", "/debug/healthz", { token: null })
  if (health.status !== 200) throw new Error(`server not healthy: ${health.status}`)

  return {
    baseUrl,
    adminToken,
    request,
    close: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await fs.rm(dataDir, { recursive: true, force: true })
    }
  }
}

/** ZITADEL's error body as this server writes it. */
export const errorBody = (code: number, id: string, message: string, detail?: string) => ({
  code,
  message: `${detail === undefined ? message : `${message}: ${detail}`} (${id})`,
  details: [{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id, message }]
})

/** gRPC codes of the error kinds. */
export const Code = {
  InvalidArgument: 3,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  FailedPrecondition: 9,
  Internal: 13,
  Unauthenticated: 16
} as const

/** Full gRPC method name of an Action service rpc. */
export const method = (name: string) => `/zitadel.action.v2.ActionService/${name}`

/** An ISO date string, as the server writes timestamps. */
export const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
