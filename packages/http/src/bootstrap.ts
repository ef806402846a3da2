import { Identity, Projections } from "@citadel/domain"
import { Effect, Layer, Redacted } from "effect"
import * as fs from "node:fs/promises"
import type { ServerConfig } from "./config.js"
import { writePrivateFile } from "./secrets.js"
import { ensureInitialWebKeys } from "./webkeysBootstrap.js"

/**
 * On the first start: the default instance, its org, the machine user `admin` with a personal
 * access token, and that user as instance owner. The token goes to a file only the server's
 * user may read; the log names the file, never the token.
 */
export const bootstrap = (config: ServerConfig) =>
  Effect.gen(function*() {
    const result = yield* Identity.setupInstance({
      instanceName: "Citadel",
      externalUrl: config.externalUrl.href,
      orgName: "Citadel",
      adminUserName: "admin"
    })
    yield* ensureInitialWebKeys(result.instanceId)
    if (result._tag === "AlreadySetUp") {
      const kept = yield* Effect.tryPromise(() => fs.access(config.adminTokenFile)).pipe(
        Effect.isSuccess
      )
      yield* Effect.logInfo("Instance already set up").pipe(
        Effect.annotateLogs({
          instance_id: result.instanceId,
          ...(kept ? { admin_token_file: config.adminTokenFile } : {})
        })
      )
      return
    }
    yield* writePrivateFile(config.adminTokenFile, `${Redacted.value(result.token)}\n`)
    yield* Effect.flatMap(Projections, (projections) =>
      projections.awaitPosition(result.details.position))
    yield* Effect.logInfo("Instance set up; admin token written").pipe(
      Effect.annotateLogs({
        instance_id: result.instanceId,
        admin_user_id: result.userId,
        admin_token_file: config.adminTokenFile
      })
    )
  })

export const layer = (config: ServerConfig) => Layer.effectDiscard(bootstrap(config))
