import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck, Redacted } from "effect"
import * as Hasher from "../../src/crypto/PasswordHasher.js"

const hasher = Hasher.make({ ...Hasher.defaultParams, memory: 1024 })
const secret = Redacted.make("Password1!")
const verify = (encoded: string, password: string) =>
  hasher.verify(encoded, Redacted.make(password))

// Computed once with hash-wasm from the salt "citadel-salt-16b".
const argon2idVector =
  "$argon2id$v=19$m=1024,t=2,p=1$Y2l0YWRlbC1zYWx0LTE2Yg$FbDAcVkOi+tjYtR6/qBG0XPK7ULOi4Xdxt3Ta4aOk88"
const argon2iVector =
  "$argon2i$v=19$m=1024,t=2,p=1$Y2l0YWRlbC1zYWx0LTE2Yg$4tjmi5NDv17+ugyQzyGEt2zlKJrmZt12LLoFnwdrEsw"
const bcryptVector = "$2a$04$W0jyWUPjZAzxWUvyJRC0WejoK02Wt2mFK8qyxbMJ8nhoNcUYcrQdq"
// The published crypt_blowfish test vector for the password "U*U".
const openwallVector = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"

describe("PasswordHasher", () => {
  it.effect("hashes with argon2id in PHC form with a fresh salt", () =>
    Effect.gen(function*() {
      const first = yield* hasher.hash(secret)
      const second = yield* hasher.hash(secret)
      expect(first).toMatch(
        /^\$argon2id\$v=19\$m=1024,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/
      )
      expect(first).not.toEqual(second)
      expect(first).not.toContain("Password1!")
      expect(yield* hasher.verify(first, secret)).toBe(true)
      expect(yield* hasher.verify(second, secret)).toBe(true)
    }))

  it.effect("uses OWASP's argon2id cost by default", () =>
    Effect.gen(function*() {
      const encoded = yield* Hasher.make().hash(secret)
      expect(encoded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    }))

  it.effect("verifies argon2id and argon2i vectors", () =>
    Effect.gen(function*() {
      expect(yield* verify(argon2idVector, "Password1!")).toBe(true)
      expect(yield* verify(argon2iVector, "Password1!")).toBe(true)
      expect(yield* verify(argon2idVector, "Password1?")).toBe(false)
      expect(yield* verify(argon2iVector, "password1!")).toBe(false)
    }))

  it.effect("verifies bcrypt vectors [$2a$, $2b$, $2y$]", () =>
    Effect.gen(function*() {
      expect(yield* verify(bcryptVector, "Password1!")).toBe(true)
      expect(yield* verify(bcryptVector.replace("$2a$", "$2b$"), "Password1!")).toBe(true)
      expect(yield* verify(bcryptVector.replace("$2a$", "$2y$"), "Password1!")).toBe(true)
      expect(yield* verify(openwallVector, "U*U")).toBe(true)
      expect(yield* verify(openwallVector, "U*V")).toBe(false)
      expect(yield* verify(bcryptVector, "Password1")).toBe(false)
    }))

  it.effect("refuses unreadable or tampered hashes", () =>
    Effect.gen(function*() {
      expect(yield* verify("", "Password1!")).toBe(false)
      expect(yield* verify("Password1!", "Password1!")).toBe(false)
      expect(yield* verify(argon2idVector.replace("v=19", "v=16"), "Password1!")).toBe(false)
      expect(yield* verify(argon2idVector.replace("$argon2id$", "$argon2d$"), "Password1!"))
        .toBe(false)
      expect(yield* verify(argon2idVector.slice(0, -4) + "AAAA", "Password1!")).toBe(false)
      expect(yield* verify(argon2idVector.replace("m=1024", "m=99999999"), "Password1!"))
        .toBe(false)
      expect(yield* verify(bcryptVector.replace("$04$", "$31$"), "Password1!")).toBe(false)
      expect(yield* verify("$1$abc$def", "Password1!")).toBe(false)
    }))

  const cheap = Hasher.make({ ...Hasher.defaultParams, memory: 64, iterations: 1 })

  it.effect.prop(
    "a hash never verifies a different password",
    [FastCheck.string({ minLength: 1, maxLength: 40 }), FastCheck.string({ maxLength: 40 })],
    ([password, guess]) =>
      Effect.gen(function*() {
        const encoded = yield* cheap.hash(Redacted.make(password))
        expect(yield* cheap.verify(encoded, Redacted.make(guess))).toBe(guess === password)
        expect(yield* cheap.verify(encoded, Redacted.make(password))).toBe(true)
      }),
    { fastCheck: { numRuns: 40 } }
  )
})
