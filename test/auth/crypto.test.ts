import { Crypto } from "@citadel/domain"
import { describe, expect, it } from "@effect/vitest"
import { Config, ConfigProvider, Effect, FastCheck, Layer, Redacted } from "effect"
import { createHash } from "node:crypto"
import * as NodeCrypto from "../../packages/adapters/src/crypto/index.js"

const masterKey = Redacted.make("0123456789abcdef0123456789abcdef")
const CryptoLive = NodeCrypto.layer(masterKey)

describe("NodeCrypto", () => {
  it.effect("decrypts what it encrypted", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const value = yield* crypto.encrypt(Redacted.make("signing key"))
      const plaintext = yield* crypto.decrypt(value)

      expect(value.CryptoType).toBe(0)
      expect(value.Algorithm).toBe("aes-256-gcm")
      expect(value.KeyID).toMatch(/^[0-9a-f]{16}$/)
      expect(value.Crypted.includes("signing key")).toBe(false)
      expect(Redacted.value(plaintext)).toBe("signing key")
    }).pipe(Effect.provide(CryptoLive)))

  it.effect("seals the same plaintext differently each time", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const a = yield* crypto.encrypt(Redacted.make("same"))
      const b = yield* crypto.encrypt(Redacted.make("same"))
      expect(a.Crypted).not.toBe(b.Crypted)
    }).pipe(Effect.provide(CryptoLive)))

  it.effect("refuses a tampered value without revealing it", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const value = yield* crypto.encrypt(Redacted.make("top secret"))
      const bytes = Buffer.from(value.Crypted, "base64")
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1
      const error = yield* Effect.flip(
        crypto.decrypt({ ...value, Crypted: bytes.toString("base64") })
      )

      expect(error).toMatchObject({ kind: "Internal", id: "CRYPT-gcm0d" })
      expect(JSON.stringify(error).includes("top secret")).toBe(false)
    }).pipe(Effect.provide(CryptoLive)))

  it.effect("refuses a value sealed under another key", () =>
    Effect.gen(function*() {
      const other = NodeCrypto.make(Redacted.make("ffffffffffffffffffffffffffffffff"))
      const value = yield* other.encrypt(Redacted.make("x"))
      const error = yield* Effect.flip(Effect.flatMap(Crypto, (c) => c.decrypt(value)))
      expect(error).toMatchObject({ kind: "Internal", id: "CRYPT-k3y1d" })
    }).pipe(Effect.provide(CryptoLive)))

  it("rejects a master key that is not 32 bytes, without echoing it", () => {
    expect(() => NodeCrypto.make(Redacted.make("short-key"))).toThrow(NodeCrypto.MasterKeyError)
    try {
      NodeCrypto.make(Redacted.make("short-key"))
    } catch (error) {
      expect(String(error).includes("short-key")).toBe(false)
    }
  })

  it.effect("reads the master key from config [too short]", () =>
    Effect.gen(function*() {
      const layer = NodeCrypto.layerConfig(Config.redacted("MASTERKEY"))
      const error = yield* Effect.flip(Layer.build(layer).pipe(Effect.scoped))
      expect(String(error)).toContain("must be 32 bytes")
      expect(String(error).includes("short")).toBe(false)
    }).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["MASTERKEY", "short"]])))
    ))

  it.effect("draws URL-safe secrets of the asked entropy", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const a = Redacted.value(yield* crypto.randomSecret(32))
      const b = Redacted.value(yield* crypto.randomSecret(32))

      expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(Buffer.from(a, "base64url")).toHaveLength(32)
      expect(a).not.toBe(b)
    }).pipe(Effect.provide(CryptoLive)))

  it.effect("digests with SHA-256 hex", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const digest = yield* crypto.digest(Redacted.make("abc"))
      expect(digest).toBe(createHash("sha256").update("abc").digest("hex"))
    }).pipe(Effect.provide(CryptoLive)))

  it.effect.prop(
    "a stored token hash never equals its secret",
    [FastCheck.string({ minLength: 0, maxLength: 128 })],
    ([secret]) =>
      Effect.gen(function*() {
        const crypto = yield* Crypto
        const digest = yield* crypto.digest(Redacted.make(secret))
        expect(digest).not.toBe(secret)
        expect(digest).toMatch(/^[0-9a-f]{64}$/)
      }).pipe(Effect.provide(CryptoLive))
  )

  it.prop(
    "constant-time equality agrees with ===",
    [FastCheck.string(), FastCheck.string()],
    ([a, b]) => {
      expect(NodeCrypto.constantTimeEquals(a, b)).toBe(a === b)
      expect(NodeCrypto.constantTimeEquals(Redacted.make(a), a)).toBe(true)
    }
  )
})
