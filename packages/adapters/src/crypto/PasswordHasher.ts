/**
 * The PasswordHasher port on `hash-wasm`: new hashes are argon2id in PHC form, as ZITADEL's
 * passwap writes them; argon2id, argon2i and bcrypt (`$2a$`, `$2b$`, `$2y$`) hashes verify, so
 * users imported from ZITADEL keep their passwords.
 *
 * Verification recomputes the hash and compares the bytes with `timingSafeEqual`: how long a
 * check takes depends on the cost parameters of the stored hash, never on the secret.
 */
import { PasswordHasher, type PasswordHasherService } from "@citadel/domain"
import { Effect, Layer, Redacted } from "effect"
import { argon2i, argon2id, bcrypt } from "hash-wasm"
import * as NodeCrypto from "node:crypto"

/** argon2id cost parameters. */
export interface Argon2Params {
  /** Memory in KiB. */
  readonly memory: number
  /** Passes over the memory. */
  readonly iterations: number
  readonly parallelism: number
  readonly saltBytes: number
  readonly hashBytes: number
}

/**
 * OWASP's first recommended argon2id setting (19 MiB, 2 passes, 1 lane), with ZITADEL's salt
 * and key lengths (16 and 32 bytes).
 */
export const defaultParams: Argon2Params = {
  memory: 19_456,
  iterations: 2,
  parallelism: 1,
  saltBytes: 16,
  hashBytes: 32
}

/** The argon2 version every supported hash must carry (0x13). */
const argon2Version = 19

const phcPattern = new RegExp(
  "^\\$(argon2id|argon2i)\\$v=(\\d+)\\$m=(\\d+),t=(\\d+),p=(\\d+)" +
    "\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$"
)

const bcryptPattern = /^\$(2a|2b|2y)\$(\d{2})\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/

const bcryptAlphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** Decodes bcrypt's own base64 (no padding, its own alphabet) into `length` bytes. */
const bcryptBase64 = (text: string, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  let bits = 0
  let buffer = 0
  let index = 0
  for (const char of text) {
    buffer = (buffer << 6) | bcryptAlphabet.indexOf(char)
    bits += 6
    if (bits >= 8) {
      bits -= 8
      if (index < length) out[index++] = (buffer >> bits) & 0xff
    }
  }
  return out
}

const fromBase64 = (text: string): Buffer => Buffer.from(text, "base64")

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && NodeCrypto.timingSafeEqual(a, b)

const sameText = (a: string, b: string): boolean =>
  sameBytes(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"))

/** Upper bounds that keep a crafted hash from making one check arbitrarily expensive. */
const maxMemory = 1 << 21
const maxIterations = 64
const maxParallelism = 16
const maxBcryptCost = 16

const verifyArgon2 = async (match: RegExpExecArray, secret: string): Promise<boolean> => {
  const [, variant, version, m, t, p, salt, hash] = match
  const memory = Number(m)
  const iterations = Number(t)
  const parallelism = Number(p)
  if (Number(version) !== argon2Version) return false
  if (memory > maxMemory || iterations > maxIterations || parallelism > maxParallelism) {
    return false
  }
  const expected = fromBase64(hash!)
  const options = {
    password: secret,
    salt: fromBase64(salt!),
    memorySize: memory,
    iterations,
    parallelism,
    hashLength: expected.length,
    outputType: "binary" as const
  }
  const actual = variant === "argon2id" ? await argon2id(options) : await argon2i(options)
  return sameBytes(actual, expected)
}

const verifyBcrypt = async (match: RegExpExecArray, secret: string): Promise<boolean> => {
  const [, , cost, salt, hash] = match
  const costFactor = Number(cost)
  if (costFactor < 4 || costFactor > maxBcryptCost) return false
  // bcrypt reads at most 72 bytes of the password; longer ones are cut, as every bcrypt does.
  const password = Buffer.from(secret, "utf8").subarray(0, 72)
  const encoded = await bcrypt({
    password,
    salt: bcryptBase64(salt!, 16),
    costFactor,
    outputType: "encoded"
  })
  return sameText(encoded.slice(-31), hash!)
}

/**
 * Builds the service with the given argon2id cost for new hashes. Hashing an empty secret is a
 * defect (callers validate passwords first); verifying one answers false.
 */
export const make = (params: Argon2Params = defaultParams): PasswordHasherService => ({
  hash: (secret) =>
    Effect.promise(() =>
      argon2id({
        password: Redacted.value(secret),
        salt: NodeCrypto.randomBytes(params.saltBytes),
        memorySize: params.memory,
        iterations: params.iterations,
        parallelism: params.parallelism,
        hashLength: params.hashBytes,
        outputType: "encoded"
      })
    ),
  verify: (encoded, secret) =>
    Effect.promise(async () => {
      const argon = phcPattern.exec(encoded)
      if (argon !== null) return verifyArgon2(argon, Redacted.value(secret))
      const crypt = bcryptPattern.exec(encoded)
      if (crypt !== null) return verifyBcrypt(crypt, Redacted.value(secret))
      return false
    }).pipe(Effect.catchAllDefect(() => Effect.succeed(false)))
})

/** The PasswordHasher port with argon2id at the given cost (OWASP's default when omitted). */
export const layer = (params: Argon2Params = defaultParams): Layer.Layer<PasswordHasher> =>
  Layer.succeed(PasswordHasher, make(params))
