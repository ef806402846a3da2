import { Crypto, type CryptoService, type CryptoValue, internal } from "@citadel/domain"
import { Config, type ConfigError, Effect, Layer, Redacted } from "effect"
import * as NodeCrypto from "node:crypto"

/** The algorithm name stored in every `CryptoValue` this adapter writes. */
export const algorithm = "aes-256-gcm"

const ivBytes = 12
const tagBytes = 16
const keyBytes = 32

/** Raised when the master key is not 32 bytes; never carries the key. */
export class MasterKeyError extends Error {
  override readonly name = "MasterKeyError"
}

/**
 * Compares two secrets in time that depends on neither their content nor where they differ:
 * both are hashed first, so inputs of different lengths compare in constant time too.
 */
export const constantTimeEquals = (
  a: Redacted.Redacted<string> | string,
  b: Redacted.Redacted<string> | string
): boolean => {
  const left = NodeCrypto.createHash("sha256").update(reveal(a), "utf8").digest()
  const right = NodeCrypto.createHash("sha256").update(reveal(b), "utf8").digest()
  return NodeCrypto.timingSafeEqual(left, right)
}

const reveal = (value: Redacted.Redacted<string> | string): string =>
  typeof value === "string" ? value : Redacted.value(value)

/** SHA-256 of the secret, hex encoded. */
export const digestHex = (secret: Redacted.Redacted<string>): string =>
  NodeCrypto.createHash("sha256").update(Redacted.value(secret), "utf8").digest("hex")

// Errors carry stable ids and never the value or the key.
const decryptFailed = () => internal("CRYPT-gcm0d", "Errors.Internal", "value cannot be decrypted")
const unknownKey = (keyID: string) =>
  internal("CRYPT-k3y1d", "Errors.Internal", `no key ${keyID} for decryption`)
const unknownAlgorithm = (name: string) =>
  internal("CRYPT-4lg0r", "Errors.Internal", `unsupported algorithm ${name}`)

/**
 * Builds the Crypto service on node:crypto. `masterKey` is 32 bytes (a 32-character string, as
 * ZITADEL's masterkey is); values are sealed with AES-256-GCM under it. The key id written into
 * each value is a fingerprint of the key, so a value sealed under another key is told apart.
 */
export const make = (masterKey: Redacted.Redacted<string>): CryptoService => {
  const key = Buffer.from(Redacted.value(masterKey), "utf8")
  if (key.length !== keyBytes) {
    throw new MasterKeyError(`the master key must be ${keyBytes} bytes, got ${key.length}`)
  }
  const keyID = NodeCrypto.createHash("sha256")
    .update("citadel key id\0")
    .update(key)
    .digest("hex")
    .slice(0, 16)

  const seal = (plaintext: string): CryptoValue => {
    const iv = NodeCrypto.randomBytes(ivBytes)
    const cipher = NodeCrypto.createCipheriv("aes-256-gcm", key, iv)
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
    const crypted = Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64")
    return { CryptoType: 0, Algorithm: algorithm, KeyID: keyID, Crypted: crypted }
  }

  const open = (value: CryptoValue): string | undefined => {
    const raw = Buffer.from(value.Crypted, "base64")
    if (raw.length < ivBytes + tagBytes) return undefined
    const iv = raw.subarray(0, ivBytes)
    const body = raw.subarray(ivBytes, raw.length - tagBytes)
    const tag = raw.subarray(raw.length - tagBytes)
    try {
      const decipher = NodeCrypto.createDecipheriv("aes-256-gcm", key, iv)
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8")
    } catch {
      return undefined
    }
  }

  return {
    randomSecret: (bytes) =>
      Effect.sync(() =>
        Redacted.make(NodeCrypto.randomBytes(Math.max(1, bytes)).toString("base64url"))
      ),
    encrypt: (plaintext) => Effect.sync(() => seal(Redacted.value(plaintext))),
    decrypt: (value) => {
      if (value.Algorithm !== algorithm) return Effect.fail(unknownAlgorithm(value.Algorithm))
      if (value.KeyID !== keyID) return Effect.fail(unknownKey(value.KeyID))
      const plaintext = open(value)
      return plaintext === undefined
        ? Effect.fail(decryptFailed())
        : Effect.succeed(Redacted.make(plaintext))
    },
    digest: (secret) => Effect.sync(() => digestHex(secret))
  }
}

/** The Crypto port with the given master key. Dies at construction if the key is not 32 bytes. */
export const layer = (masterKey: Redacted.Redacted<string>): Layer.Layer<Crypto> =>
  Layer.sync(Crypto, () => make(masterKey))

/** The Crypto port with its master key read from config (e.g. `CITADEL_MASTERKEY`). */
export const layerConfig = (
  masterKey: Config.Config<Redacted.Redacted<string>>
): Layer.Layer<Crypto, ConfigError.ConfigError> =>
  Layer.effect(
    Crypto,
    Config.validate(masterKey, {
      message: `must be ${keyBytes} bytes`,
      validation: (value) => Buffer.byteLength(Redacted.value(value), "utf8") === keyBytes
    }).pipe(Effect.map(make))
  )
