import { type StoredEvent, WebKey } from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import * as Jose from "jose"
import * as Postgres from "../../../../test/support/postgres.js"
import * as NodeCrypto from "../../src/crypto/NodeCrypto.js"
import * as PgliteClient from "../../src/sql/PgliteClient.js"
import {
  activeWebKey,
  listWebKeys,
  NodeKeyGenerator,
  signJwt,
  webKeySet,
  WebKeysProjection
} from "../../src/webkeys/index.js"

/** PGlite, or a fresh `keys_webkeys_*` database when DATABASE_URL is set. */
const database = Postgres.databaseUrl !== undefined && Postgres.databaseUrl !== ""
  ? Postgres.layer("keys_webkeys")
  : PgliteClient.layer()

const crypto = NodeCrypto.make(Redacted.make("webkeys-adapter-test-master-key!"))

const TestLayer = Layer.mergeAll(
  Layer.effectDiscard(
    Effect.flatMap(SqlClient.SqlClient, (sql) =>
      Effect.forEach(WebKeysProjection.init, (statement) => sql.unsafe(statement)))
  ).pipe(Layer.provideMerge(database)),
  NodeCrypto.layer(Redacted.make("webkeys-adapter-test-master-key!"))
)

let position = 0
const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute))

const stored = (
  keyId: string,
  event: WebKey.WebKeyEvent,
  sequence: number,
  minute: number,
  instanceId = "inst1"
): StoredEvent => {
  const { payload, type } = WebKey.encodeWebKeyEvent(event)
  return {
    aggregate: { instanceId, type: "web_key", id: keyId, owner: instanceId, version: 1 },
    type,
    // through JSON, as the event store hands payloads back
    payload: payload === null ? null : JSON.parse(JSON.stringify(payload)),
    creator: "admin",
    createdAt: at(minute),
    sequence,
    position: { position: ++position, inTxOrder: 0 }
  }
}

const generateAdded = (keyId: string, config: WebKey.WebKeyConfig) =>
  Effect.gen(function*() {
    const pair = yield* NodeKeyGenerator.make.generate(keyId, config)
    const privateKey = yield* crypto.encrypt(pair.privateKey)
    return {
      _tag: "WebKeyAdded",
      privateKey,
      publicKey: pair.publicKey,
      config
    } satisfies WebKey.WebKeyAdded
  })

const apply = (events: ReadonlyArray<StoredEvent>) =>
  Effect.forEach(events, (event) => WebKeysProjection.apply(event), { discard: true })

const reset = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`DELETE FROM projections.web_keys`)

const configs: ReadonlyArray<readonly [WebKey.WebKeyConfig, string, string]> = [
  [{ _tag: "RSA", bits: 2048, hasher: "SHA256" }, "RS256", "RSA"],
  [{ _tag: "RSA", bits: 3072, hasher: "SHA384" }, "RS384", "RSA"],
  [{ _tag: "ECDSA", curve: "P256" }, "ES256", "EC"],
  [{ _tag: "ECDSA", curve: "P384" }, "ES384", "EC"],
  [{ _tag: "ECDSA", curve: "P512" }, "ES512", "EC"],
  [{ _tag: "ED25519" }, "EdDSA", "OKP"]
]

describe("NodeKeyGenerator", () => {
  it.effect.each(configs)("generates %j as %s JWKs, private members only in private", (
    [config, alg, kty]
  ) =>
    Effect.gen(function*() {
      const pair = yield* NodeKeyGenerator.make.generate("key-1", config)
      expect(pair.publicKey).toMatchObject({ kid: "key-1", alg, use: "sig", kty })
      expect(pair.publicKey).not.toHaveProperty("d")
      const privateJwk = JSON.parse(Redacted.value(pair.privateKey))
      expect(privateJwk).toMatchObject({ kid: "key-1", alg, use: "sig", kty })
      expect(typeof privateJwk.d).toBe("string")
      // the two halves belong together
      const signed = yield* Effect.promise(async () =>
        new Jose.CompactSign(new TextEncoder().encode("x"))
          .setProtectedHeader({ alg })
          .sign(await Jose.importJWK(privateJwk, alg))
      )
      const verified = yield* Effect.promise(async () =>
        Jose.compactVerify(signed, await Jose.importJWK(pair.publicKey as Jose.JWK, alg))
      )
      expect(new TextDecoder().decode(verified.payload)).toBe("x")
    }))
})

describe("web keys read model", () => {
  it.layer(TestLayer)((it) => {
    it.effect("tracks state per key and drops removed keys", () =>
      Effect.gen(function*() {
        yield* reset
        const k1 = yield* generateAdded("k1", { _tag: "ED25519" })
        const k2 = yield* generateAdded("k2", { _tag: "ECDSA", curve: "P384" })
        yield* apply([
          stored("k1", k1, 1, 1),
          stored("k1", { _tag: "WebKeyActivated" }, 2, 1),
          stored("k2", k2, 1, 2)
        ])

        expect(yield* listWebKeys("inst1")).toEqual([
          {
            id: "k1",
            creationDate: at(1),
            changeDate: at(1),
            sequence: 2,
            status: "Active",
            config: { _tag: "ED25519" }
          },
          {
            id: "k2",
            creationDate: at(2),
            changeDate: at(2),
            sequence: 1,
            status: "Inactive",
            config: { _tag: "ECDSA", curve: "P384" }
          }
        ])
        expect(yield* webKeySet("inst1")).toEqual([k1.publicKey, k2.publicKey])
        expect(Option.map(yield* activeWebKey("inst1"), (key) => key.id)).toEqual(Option.some("k1"))

        yield* apply([
          stored("k2", { _tag: "WebKeyActivated" }, 2, 3),
          stored("k1", { _tag: "WebKeyDeactivated" }, 3, 3)
        ])
        const rotated = yield* listWebKeys("inst1")
        expect(rotated.map((key) => [key.id, key.status, key.changeDate])).toEqual([
          ["k1", "Inactive", at(3)],
          ["k2", "Active", at(3)]
        ])
        expect(Option.map(yield* activeWebKey("inst1"), (key) => key.id)).toEqual(Option.some("k2"))

        yield* apply([stored("k1", { _tag: "WebKeyRemoved" }, 4, 4)])
        expect((yield* listWebKeys("inst1")).map((key) => key.id)).toEqual(["k2"])
        expect(yield* webKeySet("inst1")).toEqual([k2.publicKey])
        expect(yield* webKeySet("other")).toEqual([])
        expect(yield* activeWebKey("other")).toEqual(Option.none())
      }))

    it.effect("applying the same added twice leaves one row", () =>
      Effect.gen(function*() {
        yield* reset
        const k1 = yield* generateAdded("k1", { _tag: "ED25519" })
        const event = stored("k1", k1, 1, 1)
        yield* apply([event, event])
        expect((yield* listWebKeys("inst1")).length).toBe(1)
      }))

    it.effect("instance.removed drops the instance's keys", () =>
      Effect.gen(function*() {
        yield* reset
        const k1 = yield* generateAdded("k1", { _tag: "ED25519" })
        yield* apply([stored("k1", k1, 1, 1), stored("k9", k1, 1, 1, "inst2")])
        yield* WebKeysProjection.apply({
          aggregate: {
            instanceId: "inst1",
            type: "instance",
            id: "inst1",
            owner: "inst1",
            version: 1
          },
          type: "instance.removed",
          payload: null,
          creator: "admin",
          createdAt: at(5),
          sequence: 9,
          position: { position: ++position, inTxOrder: 0 }
        })
        expect(yield* listWebKeys("inst1")).toEqual([])
        expect((yield* listWebKeys("inst2")).length).toBe(1)
      }))

    it.effect.each(configs)("signs with the active %j key; the JWT verifies against the set", (
      [config, alg]
    ) =>
      Effect.gen(function*() {
        yield* reset
        const key = yield* generateAdded("signer", config)
        yield* apply([
          stored("signer", key, 1, 1),
          stored("signer", { _tag: "WebKeyActivated" }, 2, 1)
        ])

        const token = yield* signJwt("inst1", { sub: "user-1", aud: "client" }, { type: "JWT" })
        const keys = yield* webKeySet("inst1")
        const jwks = Jose.createLocalJWKSet({ keys: keys as Array<Jose.JWK> })
        const verified = yield* Effect.promise(() =>
          Jose.jwtVerify(token, jwks, { audience: "client" })
        )
        expect(verified.protectedHeader).toEqual({ alg, kid: "signer", typ: "JWT" })
        expect(verified.payload).toEqual({ sub: "user-1", aud: "client" })
      }))

    it.effect("refuses to sign without an active key", () =>
      Effect.gen(function*() {
        yield* reset
        const error = yield* Effect.flip(signJwt("inst1", { sub: "x" }))
        expect(error).toMatchObject({ _tag: "DomainError", kind: "Internal", id: "QUERY-Opoh7" })
      }))
  })
})
