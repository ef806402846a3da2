import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"

/** Liveness and readiness probes, as ZITADEL serves them; no authentication. */
export class SystemApi extends HttpApiGroup.make("system")
  .add(HttpApiEndpoint.get("healthz", "/debug/healthz").addSuccess(Schema.String))
  .add(
    HttpApiEndpoint.get("ready", "/debug/ready")
      .addSuccess(Schema.String)
      .addError(Schema.String, { status: 503 })
  )
{}
