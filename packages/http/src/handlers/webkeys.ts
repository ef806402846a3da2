import { HttpApiBuilder } from "@effect/platform"
import { WebKeys } from "@citadel/adapters"
import { type DomainError, invalidArgument, WebKey } from "@citadel/domain"
import { Effect } from "effect"
import { CitadelApi } from "../api/Api.js"
import * as Api from "../api/webkeys.js"
import { authorized, settled, type Type } from "./common.js"

/** Permission of each rpc, as the `auth_option` of ZITADEL's webkey_service.proto. */
const permission = {
  write: "iam.web_key.write",
  delete: "iam.web_key.delete",
  read: "iam.web_key.read"
} as const

const bitsByName: Readonly<Record<Type<typeof Api.Rsa>["bits"] & string, WebKey.RsaBits>> = {
  RSA_BITS_UNSPECIFIED: 2048,
  RSA_BITS_2048: 2048,
  RSA_BITS_3072: 3072,
  RSA_BITS_4096: 4096
}

const hasherByName: Readonly<Record<Type<typeof Api.Rsa>["hasher"] & string, WebKey.RsaHasher>> = {
  RSA_HASHER_UNSPECIFIED: "SHA256",
  RSA_HASHER_SHA256: "SHA256",
  RSA_HASHER_SHA384: "SHA384",
  RSA_HASHER_SHA512: "SHA512"
}

const curveByName: Readonly<
  Record<Type<typeof Api.Ecdsa>["curve"] & string, WebKey.EllipticCurve>
> = {
  ECDSA_CURVE_UNSPECIFIED: "P256",
  ECDSA_CURVE_P256: "P256",
  ECDSA_CURVE_P384: "P384",
  ECDSA_CURVE_P512: "P512"
}

/**
 * The oneof `key` as a config, with ZITADEL's defaults for unspecified fields (RSA 2048 /
 * SHA256, curve P-256) and RSA 2048 / SHA256 when no key type is given.
 */
const toConfig = (
  request: Type<typeof Api.CreateWebKeyRequest>
): Effect.Effect<WebKey.WebKeyConfig, DomainError> => {
  const set = [request.rsa, request.ecdsa, request.ed25519].filter((v) => v !== undefined)
  if (set.length > 1) {
    return Effect.fail(
      invalidArgument(
        "WEBKEY-0n30f",
        "Errors.WebKey.Config",
        "only one of rsa, ecdsa or ed25519 may be set"
      )
    )
  }
  if (request.rsa !== undefined) {
    return Effect.succeed({
      _tag: "RSA",
      bits: bitsByName[request.rsa.bits ?? "RSA_BITS_UNSPECIFIED"],
      hasher: hasherByName[request.rsa.hasher ?? "RSA_HASHER_UNSPECIFIED"]
    })
  }
  if (request.ecdsa !== undefined) {
    return Effect.succeed({
      _tag: "ECDSA",
      curve: curveByName[request.ecdsa.curve ?? "ECDSA_CURVE_UNSPECIFIED"]
    })
  }
  if (request.ed25519 !== undefined) return Effect.succeed({ _tag: "ED25519" })
  return Effect.succeed(WebKey.defaultConfig)
}

const configFields = (config: WebKey.WebKeyConfig) => {
  switch (config._tag) {
    case "RSA":
      return {
        rsa: {
          bits: `RSA_BITS_${config.bits}` as const,
          hasher: `RSA_HASHER_${config.hasher}` as const
        }
      }
    case "ECDSA":
      return { ecdsa: { curve: `ECDSA_CURVE_${config.curve}` as const } }
    case "ED25519":
      return { ed25519: {} }
  }
}

const stateName = (status: WebKey.WebKeyStatus): Type<typeof Api.WebKey>["state"] =>
  Api.stateNames[WebKey.statusNumber[status]] ?? "STATE_UNSPECIFIED"

const toWebKey = (view: WebKeys.WebKeyView): Type<typeof Api.WebKey> => ({
  id: view.id,
  creationDate: view.creationDate,
  changeDate: view.changeDate,
  state: stateName(view.status),
  ...configFields(view.config)
})

export const WebKeyServiceLive = HttpApiBuilder.group(CitadelApi, "WebKeyService", (handlers) =>
  Effect.succeed(
    handlers
      .handle("CreateWebKey", ({ payload }) =>
        authorized(permission.write, (principal) =>
          Effect.gen(function*() {
            const config = yield* toConfig(payload)
            const created = yield* WebKey.createWebKey({
              instanceId: principal.instanceId,
              creator: principal.userId,
              config
            })
            yield* settled(created.details)
            return { id: created.id, creationDate: created.details.changeDate }
          })))
      .handle("ActivateWebKey", ({ path }) =>
        authorized(permission.write, (principal) =>
          Effect.gen(function*() {
            const details = yield* WebKey.activateWebKey({
              instanceId: principal.instanceId,
              creator: principal.userId,
              id: path.id
            })
            yield* settled(details)
            return { changeDate: details.changeDate }
          })))
      .handle("DeleteWebKey", ({ path }) =>
        authorized(permission.delete, (principal) =>
          Effect.gen(function*() {
            const details = yield* WebKey.deleteWebKey({
              instanceId: principal.instanceId,
              creator: principal.userId,
              id: path.id
            })
            yield* settled(details)
            return details.sequence === 0 ? {} : { deletionDate: details.changeDate }
          })))
      .handle("ListWebKeys", () =>
        authorized(permission.read, (principal) =>
          Effect.map(WebKeys.listWebKeys(principal.instanceId), (keys) => ({
            webKeys: keys.map(toWebKey)
          }))))
  ))
