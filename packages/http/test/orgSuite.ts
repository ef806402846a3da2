/**
 * Test support for the suites that need orgs: two orgs (ACME and Globex) and machine users with
 * personal access tokens, written as events before the server's first start, then the real
 * server layer on 127.0.0.1 with an embedded database, and a small JSON client.
 */
import { Database, Migrations, NodeCrypto, SqlEventStore } from "@citadel/adapters"
import { Crypto, EventStore, type Expectation, Identity, type PendingEvent } from "@citadel/domain"
import { afterAll, beforeAll } from "@effect/vitest"
import { Effect, Either, Exit, Layer, Logger, LogLevel, Redacted, Scope } from "effect"
import * as fs from "node:fs/promises"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { readConfig } from "../src/config.js"
import { serverLayer } from "../src/server.js"

export const instanceId = Identity.defaultInstanceId
export const acme = "org-acme"
export const globex = "org-globex"

/** A machine user to seed: its id, the org that owns it, and its token's secret. */
export type SeedMachine = readonly [userId: string, orgId: string, token: string]

export interface OrgSuiteOptions {
  /** The 32-byte master key for the seeding step and the server. */
  readonly masterKey: string
  /** The prefix of the suite's temporary data folder. */
  readonly dirPrefix: string
  /** Machine users; `acme-owner` among them is made ORG_OWNER of ACME. */
  readonly users: ReadonlyArray<SeedMachine>
  /** One user made an instance member with these roles. */
  readonly instanceMember: { readonly userId: string; readonly roles: ReadonlyArray<string> }
}

export interface Reply {
  readonly status: number
  readonly body: any
}

export interface CallOptions {
  /** The bearer token; the admin's by default, none at all when null. */
  readonly token?: string | null
  readonly json?: unknown
}

const pendingOf = <S, E>(
  spec: {
    readonly type: string
    readonly version: number
    readonly model: { readonly initial: S; readonly evolve: (s: S, e: E) => S }
    readonly encode: (e: E) => { type: string; payload: PendingEvent["payload"] }
    readonly constraints: (s: S, e: E) => PendingEvent["constraints"]
  },
  id: string,
  owner: string,
  events: ReadonlyArray<E>
): ReadonlyArray<PendingEvent> => {
  let state = spec.model.initial
  return events.map((event) => {
    const constraints = spec.constraints(state, event)
    state = spec.model.evolve(state, event)
    return {
      aggregate: { instanceId, type: spec.type, id, owner, version: spec.version },
      ...spec.encode(event),
      creator: "SYSTEM",
      createdAt: new Date(),
      constraints
    }
  })
}

const machine = (userId: string, digest: string): ReadonlyArray<Identity.UserEvent> => [
  {
    _tag: "MachineAdded",
    userName: userId,
    name: userId,
    description: "",
    accessTokenType: Identity.AccessTokenType.Bearer
  },
  {
    _tag: "PersonalAccessTokenAdded",
    tokenId: `${userId}-pat`,
    expiration: Identity.patNeverExpires,
    scopes: Identity.patDefaultScopes,
    tokenHash: digest
  }
]

const seed = (dataDir: string, options: OrgSuiteOptions) =>
  Effect.gen(function*() {
    const crypto = yield* Crypto
    const store = yield* EventStore
    const pending: Array<PendingEvent> = [
      ...pendingOf(Identity.orgAggregate, acme, acme, [
        { _tag: "OrgAdded", name: "ACME" },
        { _tag: "OrgMemberAdded", userId: "acme-owner", roles: ["ORG_OWNER"] }
      ]),
      ...pendingOf(Identity.orgAggregate, globex, globex, [{ _tag: "OrgAdded", name: "Globex" }])
    ]
    const expectations: Array<Expectation> = [
      { aggregate: { instanceId, type: "org", id: acme }, sequence: 0 },
      { aggregate: { instanceId, type: "org", id: globex }, sequence: 0 }
    ]
    for (const [userId, orgId, token] of options.users) {
      const digest = yield* crypto.digest(Redacted.make(token))
      pending.push(...pendingOf(Identity.userAggregate, userId, orgId, machine(userId, digest)))
      expectations.push({ aggregate: { instanceId, type: "user", id: userId }, sequence: 0 })
    }
    pending.push(...pendingOf(Identity.instanceAggregate, instanceId, instanceId, [
      { _tag: "InstanceMemberAdded", ...options.instanceMember }
    ]))
    yield* store.append(pending, expectations)
  }).pipe(
    Effect.provide(
      Layer.mergeAll(SqlEventStore.layer, NodeCrypto.layer(Redacted.make(options.masterKey))).pipe(
        Layer.provide(Layer.effectDiscard(Migrations.migrate).pipe(Layer.provideMerge(
          Database.layerFromUrlOrDir({ dataDir: path.join(dataDir, "db") })
        )))
      )
    ),
    Effect.scoped
  )

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

/**
 * Seeds and starts the server before the suite's tests and stops it after them. Returns the
 * client: `call` answers the status and the JSON body (the text when it is not JSON).
 */
export const orgSuite = (options: OrgSuiteOptions) => {
  let dataDir: string
  let scope: Scope.CloseableScope
  let baseUrl: string
  let adminToken: string

  const call = async (method: string, target: string, callOptions: CallOptions = {}) => {
    const token = callOptions.token === undefined ? adminToken : callOptions.token
    const headers: Record<string, string> = {}
    if (token !== null) headers["authorization"] = `Bearer ${token}`
    const init: RequestInit = { method, headers }
    if (callOptions.json !== undefined) {
      headers["content-type"] = "application/json"
      init.body = JSON.stringify(callOptions.json)
    }
    const response = await fetch(`${baseUrl}${target}`, init)
    const text = await response.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = text
    }
    return { status: response.status, body } as Reply
  }

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), options.dirPrefix))
    await Effect.runPromise(seed(dataDir, options))
    const port = await freePort()
    const config = Either.getOrThrow(readConfig({
      PORT: String(port),
      CITADEL_DATA_DIR: dataDir,
      CITADEL_MASTERKEY: options.masterKey
    }, dataDir))
    scope = Effect.runSync(Scope.make())
    const layer = serverLayer(config).pipe(Layer.provide(Logger.minimumLogLevel(LogLevel.None)))
    await Effect.runPromise(Layer.buildWithScope(layer, scope))
    adminToken = (await fs.readFile(config.adminTokenFile, "utf8")).trim()
    baseUrl = `http://127.0.0.1:${port}`
  }, 120_000)

  afterAll(async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  return { call }
}

/** The refusal of a caller lacking `permission`. */
export const denied = (permission: string) =>
  errorBody(7, "AUTHZ-HKJD33", "Errors.PermissionDenied", `missing ${permission}`)

/** ZITADEL's error body as this server writes it. */
export const errorBody = (code: number, id: string, message: string, detail?: string) => ({
  code,
  message: `${detail === undefined ? message : `${message}: ${detail}`} (${id})`,
  details: [{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id, message }]
})

/** An ISO date string, as the server writes timestamps. */
export const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
