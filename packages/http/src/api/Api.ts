import { HttpApi, OpenApi } from "@effect/platform"
import { ActionService } from "./actions.js"
import * as Errors from "./errors.js"
import { SystemApi } from "./system.js"

/** The whole HTTP surface; its OpenAPI document is served at `/openapi.json`. */
export class CitadelApi extends HttpApi.make("citadel")
  .add(SystemApi)
  .add(ActionService)
  .addError(Errors.InvalidArgument)
  .addError(Errors.NotFound)
  .addError(Errors.AlreadyExists)
  .addError(Errors.PermissionDenied)
  .addError(Errors.PreconditionFailed)
  .addError(Errors.Internal)
  .addError(Errors.Unavailable)
  .addError(Errors.Unauthenticated)
  .annotateContext(OpenApi.annotations({
    title: "Citadel",
    description: "Identity and access management, speaking ZITADEL's APIs"
  }))
{}
