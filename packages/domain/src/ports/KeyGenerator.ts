import { Context, type Effect, type Redacted } from "effect"
import type { DomainError } from "../kernel/errors.js"
import type { WebKeyConfig } from "../webkey/config.js"
import type { Jwk } from "../webkey/events.js"

/** A fresh signing key pair, both halves as JSON Web Keys. */
export interface GeneratedKeyPair {
  /** Public members only, with `kid` (the key id), `alg` and `use: "sig"`. */
  readonly publicKey: Jwk
  /** The private JWK serialised as JSON (with the same `kid`, `alg`, `use`); never logged. */
  readonly privateKey: Redacted.Redacted<string>
}

export interface KeyGeneratorService {
  /** Generates a key pair of the config, named `keyId`. Fails with Internal if it cannot. */
  readonly generate: (
    keyId: string,
    config: WebKeyConfig
  ) => Effect.Effect<GeneratedKeyPair, DomainError>
}

/** Generates the instance's signing keys (web keys); the domain only sees their JWKs. */
export class KeyGenerator extends Context.Tag("citadel/KeyGenerator")<
  KeyGenerator,
  KeyGeneratorService
>() {}
