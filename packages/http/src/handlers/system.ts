import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { CitadelApi } from "../api/Api.js"

/** `healthz` says the process answers; `ready` that its database does too. */
export const SystemLive = HttpApiBuilder.group(CitadelApi, "system", (handlers) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return handlers
      .handle("healthz", () => Effect.succeed("ok"))
      .handle("ready", () =>
        sql`SELECT 1`.pipe(
          Effect.as("ok"),
          Effect.catchAll(() => Effect.fail("database unavailable"))
        ))
  }))
