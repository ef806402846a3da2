import { Catalog, Identity } from "@citadel/domain"
import { Context, Layer } from "effect"
import { ActionService } from "./api/actions.js"

/** The gRPC service each HTTP group stands for, as ZITADEL names it. */
const grpcServices: ReadonlyArray<{ readonly name: string; readonly endpoints: Iterable<string> }> = [
  { name: "zitadel.action.v2.ActionService", endpoints: Object.keys(ActionService.endpoints) }
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
  ...Object.values(Identity.userEventTypes)
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
