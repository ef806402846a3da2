import { HttpApi, OpenApi } from "@effect/platform"
import { ActionService } from "./actions.js"
import { OrganizationService } from "./orgs.js"
import * as Errors from "./errors.js"
import { SystemApi } from "./system.js"
import { ManagementProjects } from "./projects.js"
import { UserService } from "./users.js"
import { OidcDiscoveryApi } from "./discovery.js"
import { WebKeyService } from "./webkeys.js"
import { SessionService } from "./sessions.js"

/** The whole HTTP surface; its OpenAPI document is served at `/openapi.json`. */
export class CitadelApi extends HttpApi.make("citadel")
  .add(SystemApi)
  .add(ActionService)
  .add(OrganizationService)
  .add(WebKeyService)
  .add(OidcDiscoveryApi)
  .add(ManagementProjects)
  .add(UserService)
  .add(SessionService)
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
