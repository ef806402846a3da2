import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import { Context } from "effect"
import { PermissionDenied, Unauthenticated } from "./errors.js"

/** Who is calling: the authenticated user, its instance and what it may do. */
export interface Principal {
  readonly instanceId: string
  readonly userId: string
  readonly orgId: string
  readonly permissions: ReadonlySet<string>
}

export class CurrentPrincipal extends Context.Tag("citadel/http/CurrentPrincipal")<
  CurrentPrincipal,
  Principal
>() {}

/** Every management call carries `Authorization: Bearer <token>`. */
export class Authorization extends HttpApiMiddleware.Tag<Authorization>()("Authorization", {
  failure: Unauthenticated,
  provides: CurrentPrincipal,
  security: { bearer: HttpApiSecurity.bearer }
}) {}

export { PermissionDenied }
