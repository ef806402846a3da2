/**
 * Signs JWTs with the instance's active web key: the header names the key (`kid`) and its
 * `alg`, so any client verifies the token against the published key set.
 */
import { Crypto, type DomainError, internal, WebKey } from "@citadel/domain"
import type { SqlClient, SqlError } from "@effect/sql"
import { Effect, Option, Redacted } from "effect"
import * as Jose from "jose"
import { activeWebKey } from "./queries.js"

export interface SignOptions {
  /** The `typ` header, e.g. `JWT` or `logout+jwt`; absent when not given. */
  readonly type?: string | undefined
}

/** ZITADEL's answer when an instance has no active signing key. */
export const noActiveKey = () => internal("QUERY-Opoh7", "Errors.WebKey.NoActive")

const signingFailed = () => internal("WEBKEY-s1gn1", "Errors.Internal", "the key cannot sign")

/**
 * The compact JWS of the claims, signed with the instance's active key. Fails with Internal
 * when the instance has no active key or the key cannot be read; never with key material.
 */
export const signJwt = (
  instanceId: string,
  claims: Jose.JWTPayload,
  options: SignOptions = {}
): Effect.Effect<string, DomainError | SqlError.SqlError, SqlClient.SqlClient | Crypto> =>
  Effect.gen(function*() {
    const active = yield* activeWebKey(instanceId)
    if (Option.isNone(active)) return yield* Effect.fail(noActiveKey())
    const { config, id, privateKey } = active.value
    const crypto = yield* Crypto
    const plaintext = yield* crypto.decrypt(privateKey)
    const alg = WebKey.algorithmOf(config)
    return yield* Effect.tryPromise({
      try: async () => {
        const jwk = JSON.parse(Redacted.value(plaintext)) as Jose.JWK
        const key = await Jose.importJWK(jwk, alg)
        const header: Jose.JWTHeaderParameters = options.type === undefined
          ? { alg, kid: id }
          : { alg, kid: id, typ: options.type }
        return new Jose.SignJWT(claims).setProtectedHeader(header).sign(key)
      },
      catch: signingFailed
    })
  })
