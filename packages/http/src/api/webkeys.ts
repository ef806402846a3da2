import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { ProtoEnum, RequestBody, Timestamp } from "./protojson.js"
import { Authorization } from "./security.js"

/**
 * ZITADEL's Web Key service v2 (`zitadel.webkey.v2.WebKeyService`). Its proto maps only
 * DeleteWebKey and ListWebKeys to REST; CreateWebKey and ActivateWebKey take the paths of the
 * v2beta gateway, under `/v2`.
 */

export const rsaBitsNames = [
  "RSA_BITS_UNSPECIFIED",
  "RSA_BITS_2048",
  "RSA_BITS_3072",
  "RSA_BITS_4096"
] as const
export const rsaHasherNames = [
  "RSA_HASHER_UNSPECIFIED",
  "RSA_HASHER_SHA256",
  "RSA_HASHER_SHA384",
  "RSA_HASHER_SHA512"
] as const
export const ecdsaCurveNames = [
  "ECDSA_CURVE_UNSPECIFIED",
  "ECDSA_CURVE_P256",
  "ECDSA_CURVE_P384",
  "ECDSA_CURVE_P512"
] as const
export const stateNames = [
  "STATE_UNSPECIFIED",
  "STATE_INITIAL",
  "STATE_ACTIVE",
  "STATE_INACTIVE",
  "STATE_REMOVED"
] as const

export const Rsa = Schema.Struct({
  bits: Schema.optional(ProtoEnum("RSABits", rsaBitsNames)),
  hasher: Schema.optional(ProtoEnum("RSAHasher", rsaHasherNames))
}).annotations({ identifier: "RSA" })

export const Ecdsa = Schema.Struct({
  curve: Schema.optional(ProtoEnum("ECDSACurve", ecdsaCurveNames))
}).annotations({ identifier: "ECDSA" })

export const Ed25519 = Schema.Struct({}).annotations({ identifier: "ED25519" })

/** The oneof `key`: at most one of the three; none means RSA 2048 / SHA256. */
export const CreateWebKeyRequest = Schema.Struct({
  rsa: Schema.optional(Rsa),
  ecdsa: Schema.optional(Ecdsa),
  ed25519: Schema.optional(Ed25519)
})

export const WebKey = Schema.Struct({
  id: Schema.String,
  creationDate: Timestamp,
  changeDate: Timestamp,
  state: ProtoEnum("State", stateNames),
  rsa: Schema.optional(Rsa),
  ecdsa: Schema.optional(Ecdsa),
  ed25519: Schema.optional(Ed25519)
}).annotations({ identifier: "WebKey" })

const Id = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))
const idPath = HttpApiSchema.param("id", Id)

export class WebKeyService extends HttpApiGroup.make("WebKeyService")
  .add(
    HttpApiEndpoint.post("CreateWebKey", "/v2/web_keys")
      .setPayload(RequestBody(CreateWebKeyRequest))
      .addSuccess(Schema.Struct({ id: Schema.String, creationDate: Timestamp }))
  )
  .add(
    HttpApiEndpoint.post("ActivateWebKey")`/v2/web_keys/${idPath}/activate`
      .addSuccess(Schema.Struct({ changeDate: Timestamp }))
  )
  .add(
    HttpApiEndpoint.del("DeleteWebKey")`/v2/web_keys/${idPath}`
      .addSuccess(Schema.Struct({ deletionDate: Schema.optional(Timestamp) }))
  )
  .add(
    HttpApiEndpoint.get("ListWebKeys", "/v2/web_keys")
      .addSuccess(Schema.Struct({ webKeys: Schema.Array(WebKey) }))
  )
  .middleware(Authorization)
{}
