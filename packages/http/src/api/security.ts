import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import type { Identity } from "@citadel/domain"
import { Context } from "effect"
import { Unauthenticated } from "./errors.js"

/** Who is calling: the authenticated user, its instance and what it may do. */
export class CurrentPrincipal extends Context.Tag("citadel/http/CurrentPrincipal")<
  CurrentPrincipal,
  Identity.Principal
>() {}

/** Every management call carries `Authorization: Bearer <token>`. */
export class Authorization extends HttpApiMiddleware.Tag<Authorization>()("Authorization", {
  failure: Unauthenticated,
  provides: CurrentPrincipal,
  security: { bearer: HttpApiSecurity.bearer }
}) {}
