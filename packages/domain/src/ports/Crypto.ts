import { Context, type Effect, type Redacted } from "effect"
import type { DomainError } from "../kernel/errors.js"

/**
 * An encrypted value as ZITADEL stores it in event payloads (`crypto.CryptoValue`):
 * cryptoType 0 is encryption, 1 is hashing.
 */
export interface CryptoValue {
  readonly cryptoType: number
  readonly algorithm: string
  readonly keyID: string
  readonly crypted: string
}

export interface CryptoService {
  /** A fresh random secret, URL-safe, with at least `bytes` bytes of entropy. */
  readonly randomSecret: (bytes: number) => Effect.Effect<Redacted.Redacted<string>>
  /** Encrypts a secret at rest with the current key. */
  readonly encrypt: (plaintext: Redacted.Redacted<string>) => Effect.Effect<CryptoValue, DomainError>
  readonly decrypt: (value: CryptoValue) => Effect.Effect<Redacted.Redacted<string>, DomainError>
  /** A one-way digest for looking a token up by value (tokens have enough entropy to skip salt). */
  readonly digest: (secret: Redacted.Redacted<string>) => Effect.Effect<string>
}

export class Crypto extends Context.Tag("citadel/Crypto")<Crypto, CryptoService>() {}
