import { Context, type Effect, type Redacted } from "effect"
import type { DomainError } from "../kernel/errors.js"

/**
 * An encrypted value as ZITADEL stores it in event payloads (`crypto.CryptoValue`). The Go
 * struct has no JSON tags, so the payload keys are the Go field names: `CryptoType` (0 is
 * encryption, 1 is hashing), `Algorithm`, `KeyID` and `Crypted`, a byte slice that Go encodes
 * as standard base64 with padding.
 */
export interface CryptoValue {
  readonly CryptoType: number
  readonly Algorithm: string
  readonly KeyID: string
  /** Standard base64 (with padding) of the ciphertext bytes. */
  readonly Crypted: string
}

export interface CryptoService {
  /** A fresh random secret, URL-safe, with at least `bytes` bytes of entropy. */
  readonly randomSecret: (bytes: number) => Effect.Effect<Redacted.Redacted<string>>
  /** Encrypts a secret at rest with the current key. */
  readonly encrypt: (
    plaintext: Redacted.Redacted<string>
  ) => Effect.Effect<CryptoValue, DomainError>
  readonly decrypt: (value: CryptoValue) => Effect.Effect<Redacted.Redacted<string>, DomainError>
  /** A one-way digest for looking a token up by value (tokens have enough entropy to skip salt). */
  readonly digest: (secret: Redacted.Redacted<string>) => Effect.Effect<string>
}

export class Crypto extends Context.Tag("citadel/Crypto")<Crypto, CryptoService>() {}
