import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"

/** A public JWK: `kty` and the key's public members, with `kid`, `alg` and `use`. */
export const Jwk = Schema.Struct({
  kty: Schema.String,
  kid: Schema.String,
  alg: Schema.String,
  use: Schema.String
}, Schema.Record({ key: Schema.String, value: Schema.Unknown }))
  .annotations({ identifier: "JsonWebKey" })

export const JsonWebKeySet = Schema.Struct({ keys: Schema.Array(Jwk) })
  .annotations({ identifier: "JsonWebKeySet" })

/**
 * OpenID Connect Discovery 1.0 metadata. It names only the endpoints this server serves;
 * fields for the others join as their endpoints do.
 */
export const ProviderMetadata = Schema.Struct({
  issuer: Schema.String,
  jwks_uri: Schema.String,
  id_token_signing_alg_values_supported: Schema.Array(Schema.String)
}).annotations({ identifier: "OpenIDProviderMetadata" })

/** The public OpenID Provider endpoints: no authentication, cacheable answers. */
export class OidcDiscoveryApi extends HttpApiGroup.make("OidcDiscovery")
  .add(HttpApiEndpoint.get("Keys", "/oauth/v2/keys").addSuccess(JsonWebKeySet))
  .add(
    HttpApiEndpoint.get("Configuration", "/.well-known/openid-configuration")
      .addSuccess(ProviderMetadata)
  )
{}
