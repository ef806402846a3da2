import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { WebKeys } from "@citadel/adapters"
import { Identity, WebKey } from "@citadel/domain"
import { Context, Effect, Layer } from "effect"
import { CitadelApi } from "../api/Api.js"
import type { ServerConfig } from "../config.js"
import { toApiError } from "./errors.js"

/**
 * Where the OpenID Provider lives: the issuer is the instance's external URL (no trailing
 * slash, as ZITADEL writes it), and every endpoint URL starts with it.
 */
export class Issuer extends Context.Tag("citadel/http/Issuer")<Issuer, {
  readonly issuer: string
}>() {
  static readonly layer = (config: Pick<ServerConfig, "externalUrl">) =>
    Layer.succeed(Issuer, { issuer: config.externalUrl.href.replace(/\/+$/, "") })
}

/** ZITADEL's default `OIDC.JWKSCacheControlMaxAge`: five minutes. */
export const jwksMaxAgeSeconds = 300

export const jwksCacheControl = `max-age=${jwksMaxAgeSeconds}, must-revalidate`

/**
 * The public key set and the discovery document of the default instance. Both are public;
 * the key set holds every key that is not removed, so a token signed by the key active a
 * moment ago still verifies.
 */
export const OidcDiscoveryLive = HttpApiBuilder.group(CitadelApi, "OidcDiscovery", (handlers) =>
  Effect.gen(function*() {
    const { issuer } = yield* Issuer
    return handlers
      .handleRaw("Keys", () =>
        WebKeys.webKeySet(Identity.defaultInstanceId).pipe(
          Effect.map((keys) =>
            HttpServerResponse.unsafeJson({ keys }, {
              headers: { "cache-control": jwksCacheControl }
            })
          ),
          Effect.catchAll(toApiError)
        ))
      .handle("Configuration", () =>
        Effect.succeed({
          issuer,
          jwks_uri: `${issuer}/oauth/v2/keys`,
          id_token_signing_alg_values_supported: [...WebKey.supportedAlgorithms]
        }))
  }))
