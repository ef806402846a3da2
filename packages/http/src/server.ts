import { HttpApiBuilder, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import {
  Auth,
  Database,
  Migrations,
  NodeCrypto,
  PasswordHasher,
  ProjectionRunner,
  ReadModels,
  SonyflakeIds,
  SqlEventStore,
  SystemClock,
  WebKeys
} from "@citadel/adapters"
import { Effect, Layer } from "effect"
import { createServer } from "node:http"
import * as path from "node:path"
import { CitadelApi } from "./api/Api.js"
import { errorMiddleware, normalizeRequest } from "./api/middleware.js"
import * as Bootstrap from "./bootstrap.js"
import { requestLogger } from "./requestLog.js"
import { ConditionCatalog } from "./catalog.js"
import type { ServerConfig } from "./config.js"
import { ActionServiceLive } from "./handlers/actions.js"
import { AuthorizationLive } from "./handlers/authorization.js"
import { OrganizationServiceLive } from "./handlers/orgs.js"
import { ManagementProjectsLive } from "./handlers/projects.js"
import { SystemLive } from "./handlers/system.js"
import { UserServiceLive } from "./handlers/users.js"
import { SessionServiceLive } from "./handlers/sessions.js"
import { Issuer, OidcDiscoveryLive } from "./handlers/discovery.js"
import { WebKeyServiceLive } from "./handlers/webkeys.js"
import { LockoutPolicy } from "./lockout.js"
import { loadOrCreateMasterKey } from "./secrets.js"

/** Every read model the server keeps. */
export const projections = [
  ...Auth.authProjections,
  ReadModels.TargetsProjection,
  ReadModels.ExecutionsProjection,
  ReadModels.ProjectsProjection,
  WebKeys.WebKeysProjection,
  ReadModels.Users2Projection,
  ReadModels.SessionsProjection
]

/** The database, migrated, with the event store, the projections and the ports over it. */
const core = (config: ServerConfig) => {
  const database = Database.layerFromUrlOrDir({
    url: config.databaseUrl,
    dataDir: path.join(config.dataDir, "db")
  })
  const migrated = Layer.effectDiscard(Migrations.migrate).pipe(Layer.provideMerge(database))
  const crypto = Layer.unwrapEffect(
    Effect.map(
      config.masterKey === undefined
        ? loadOrCreateMasterKey(config.dataDir)
        : Effect.succeed(config.masterKey),
      NodeCrypto.layer
    )
  )
  const ports = Layer.mergeAll(
    SqlEventStore.layer,
    ProjectionRunner.layer(projections, { pollInterval: "1 second" }),
    SystemClock.layer,
    SonyflakeIds.layer(),
    PasswordHasher.layer(),
    WebKeys.NodeKeyGenerator.layer,
    crypto
  )
  return ports.pipe(Layer.provideMerge(migrated))
}

const api = HttpApiBuilder.api(CitadelApi).pipe(
  Layer.provide([SystemLive, ActionServiceLive, OrganizationServiceLive]),
  Layer.provide([WebKeyServiceLive, OidcDiscoveryLive]),
  Layer.provide(UserServiceLive),
  Layer.provide(SessionServiceLive),
  Layer.provide(ManagementProjectsLive),
  Layer.provide(AuthorizationLive),
  Layer.provide(Auth.layer),
  Layer.provide(ConditionCatalog.layer)
)

/** The whole server: bootstrap first, then HTTP on the configured address. */
export const serverLayer = (config: ServerConfig) =>
  HttpApiBuilder.serve((app) => requestLogger(normalizeRequest(app))).pipe(
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(errorMiddleware),
    Layer.provide(api),
    Layer.provide(Issuer.layer(config)),
    Layer.provide(LockoutPolicy.layer(config)),
    HttpServer.withLogAddress,
    Layer.provide(NodeHttpServer.layer(createServer, { host: config.host, port: config.port })),
    Layer.provide(Bootstrap.layer(config)),
    Layer.provide(core(config))
  )
