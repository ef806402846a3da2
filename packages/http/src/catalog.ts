import { Catalog, Identity, Project, Session, WebKey } from "@citadel/domain"
import { Context, Layer } from "effect"
import { ActionService } from "./api/actions.js"
import { OrganizationService } from "./api/orgs.js"
import { ManagementProjects } from "./api/projects.js"
import { UserService } from "./api/users.js"
import { WebKeyService } from "./api/webkeys.js"
import { SessionService } from "./api/sessions.js"

/** The gRPC service each HTTP group stands for, as ZITADEL names it. */
const grpcServices: ReadonlyArray<{
  readonly name: string
  readonly endpoints: Iterable<string>
}> = [
  { name: "zitadel.action.v2.ActionService", endpoints: Object.keys(ActionService.endpoints) },
  {
    name: "zitadel.org.v2.OrganizationService",
    endpoints: Object.keys(OrganizationService.endpoints)
  },
  { name: "zitadel.webkey.v2.WebKeyService", endpoints: Object.keys(WebKeyService.endpoints) },
  { name: "zitadel.user.v2.UserService", endpoints: Object.keys(UserService.endpoints) },
  {
    name: "zitadel.session.v2.SessionService",
    endpoints: Object.keys(SessionService.endpoints)
  },
  {
    name: "zitadel.management.v1.ManagementService",
    endpoints: Object.keys(ManagementProjects.endpoints)
  }
]

/** Full gRPC method names of every endpoint this server serves. */
export const servedMethods: ReadonlyArray<string> = grpcServices.flatMap(({ endpoints, name }) =>
  [...endpoints].map((endpoint) => `/${name}/${endpoint}`)
).sort()

/** Every event type this server writes or reads. */
export const knownEventTypes: ReadonlyArray<string> = [
  ...Catalog.eventTypes,
  ...Object.values(Identity.instanceEventTypes),
  ...Object.values(Identity.orgEventTypes),
  ...Object.values(Identity.userEventTypes),
  ...WebKey.eventTypes,
  ...Object.values(Project.projectEventTypes),
  ...Session.eventTypes
]

/** What execution conditions may name in this server. */
export class ConditionCatalog extends Context.Tag("citadel/http/ConditionCatalog")<
  ConditionCatalog,
  Catalog.Catalog
>() {
  static readonly layer = Layer.succeed(
    ConditionCatalog,
    Catalog.makeCatalog({ methods: servedMethods, eventTypes: knownEventTypes })
  )
}
