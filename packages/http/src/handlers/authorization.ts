import { Auth } from "@citadel/adapters"
import { Effect, Layer } from "effect"
import { fromDomain, type Unauthenticated } from "../api/errors.js"
import { Authorization } from "../api/security.js"

/** Resolves the bearer token to the caller; any refusal answers 401 without saying why. */
export const AuthorizationLive = Layer.effect(
  Authorization,
  Effect.gen(function*() {
    const authenticator = yield* Auth.Authenticator
    return {
      bearer: (token) =>
        authenticator.authenticate(token).pipe(
          Effect.mapError((error) =>
            fromDomain(error) as ReturnType<typeof Unauthenticated.make>
          )
        )
    }
  })
)
