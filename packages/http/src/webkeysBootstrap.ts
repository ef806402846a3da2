import { Projections, WebKey } from "@citadel/domain"
import { Effect } from "effect"

/**
 * The instance's first signing keys, as ZITADEL's setup makes them: two RSA 2048 / SHA256
 * keys, the first active. Nothing is written when the instance has keys already, so it runs
 * on every start; it waits until the read models publish the keys it wrote.
 */
export const ensureInitialWebKeys = (instanceId: string) =>
  Effect.gen(function*() {
    const details = yield* WebKey.generateInitialWebKeys({ instanceId, creator: "SYSTEM" })
    if (details === undefined) return
    yield* Effect.flatMap(Projections, (projections) => projections.awaitPosition(details.position))
    yield* Effect.logInfo("Initial web keys created").pipe(
      Effect.annotateLogs({ instance_id: instanceId })
    )
  })
