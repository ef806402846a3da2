/**
 * The KeyGenerator port on node:crypto: RSA, ECDSA (P-256, P-384, P-521) and Ed25519 key
 * pairs, exported as JSON Web Keys named with the key id, its `alg` and `use: "sig"`.
 */
import { internal, KeyGenerator, type KeyGeneratorService, WebKey } from "@citadel/domain"
import { Effect, Layer, Redacted } from "effect"
import * as NodeCrypto from "node:crypto"

const namedCurves: Readonly<Record<WebKey.EllipticCurve, string>> = {
  P256: "P-256",
  P384: "P-384",
  P512: "P-521"
}

const generatePair = (config: WebKey.WebKeyConfig) =>
  Effect.async<NodeCrypto.KeyPairKeyObjectResult, Error>((resume) => {
    const done = (
      error: Error | null,
      publicKey: NodeCrypto.KeyObject,
      privateKey: NodeCrypto.KeyObject
    ) =>
      resume(error === null ? Effect.succeed({ publicKey, privateKey }) : Effect.fail(error))
    switch (config._tag) {
      case "RSA":
        return NodeCrypto.generateKeyPair("rsa", { modulusLength: config.bits }, done)
      case "ECDSA":
        return NodeCrypto.generateKeyPair("ec", { namedCurve: namedCurves[config.curve] }, done)
      case "ED25519":
        return NodeCrypto.generateKeyPair("ed25519", {}, done)
    }
  })

/** The JWK of a key object with the members that name it; `kid` first, as is usual. */
const jwkOf = (key: NodeCrypto.KeyObject, keyId: string, alg: string): WebKey.Jwk => ({
  kid: keyId,
  use: "sig",
  alg,
  ...key.export({ format: "jwk" })
})

export const make: KeyGeneratorService = {
  generate: (keyId, config) =>
    generatePair(config).pipe(
      Effect.map(({ privateKey, publicKey }) => {
        const alg = WebKey.algorithmOf(config)
        return {
          publicKey: jwkOf(publicKey, keyId, alg),
          privateKey: Redacted.make(JSON.stringify(jwkOf(privateKey, keyId, alg)))
        }
      }),
      // the cause may name parameters, never key material; it stays out of the answer
      Effect.mapError(() => internal("WEBKEY-g3n3r", "Errors.Internal", "key generation failed"))
    )
}

export const layer: Layer.Layer<KeyGenerator> = Layer.succeed(KeyGenerator, make)
