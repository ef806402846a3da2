import { Either } from "effect"
import { type DomainError, invalidArgument } from "../kernel/errors.js"

/**
 * The key configurations of ZITADEL's `crypto.WebKeyConfig`: RSA with a size and a hash, ECDSA
 * on a NIST curve, or Ed25519. `P512` is ZITADEL's name for the curve P-521.
 */
export type RsaBits = 2048 | 3072 | 4096
export type RsaHasher = "SHA256" | "SHA384" | "SHA512"
export type EllipticCurve = "P256" | "P384" | "P512"

export type WebKeyConfig =
  | { readonly _tag: "RSA"; readonly bits: RsaBits; readonly hasher: RsaHasher }
  | { readonly _tag: "ECDSA"; readonly curve: EllipticCurve }
  | { readonly _tag: "ED25519" }

export type WebKeyConfigType = WebKeyConfig["_tag"]

export const rsaBits: ReadonlyArray<RsaBits> = [2048, 3072, 4096]
export const rsaHashers: ReadonlyArray<RsaHasher> = ["SHA256", "SHA384", "SHA512"]
export const ellipticCurves: ReadonlyArray<EllipticCurve> = ["P256", "P384", "P512"]

/** ZITADEL's default for a request without a key config, and for an instance's first keys. */
export const defaultConfig: WebKeyConfig = { _tag: "RSA", bits: 2048, hasher: "SHA256" }

/** The JWS `alg` a key of this config signs with. */
export const algorithmOf = (config: WebKeyConfig): string => {
  switch (config._tag) {
    case "RSA":
      return `RS${config.hasher.slice(3)}`
    case "ECDSA":
      return `ES${config.curve.slice(1)}`
    case "ED25519":
      return "EdDSA"
  }
}

/** Every `alg` a web key may have, in ZITADEL's order (`supportedWebKeyAlgs`). */
export const supportedAlgorithms: ReadonlyArray<string> = [
  "EdDSA",
  "RS256",
  "RS384",
  "RS512",
  "ES256",
  "ES384",
  "ES512"
]

const invalidConfig = (id: string) => Either.left(invalidArgument(id, "Errors.WebKey.Config"))

/**
 * ZITADEL's `IsValid`: RSA needs a known size and hash, ECDSA a known curve. A config only
 * reaches this check from decoded input, so these refusals guard values typed loosely.
 */
export const validateConfig = (config: WebKeyConfig): Either.Either<void, DomainError> => {
  switch (config._tag) {
    case "RSA":
      if (!rsaBits.includes(config.bits)) return invalidConfig("CRYPTO-eaz3T")
      if (!rsaHashers.includes(config.hasher)) return invalidConfig("CRYPTO-ODie7")
      return Either.void
    case "ECDSA":
      return ellipticCurves.includes(config.curve) ? Either.void : invalidConfig("CRYPTO-Ii2ai")
    case "ED25519":
      return Either.void
    default:
      return invalidConfig("CRYPTO-eaz3T")
  }
}

// -- payload form -----------------------------------------------------------------------------

/**
 * `configType` as ZITADEL's enumer writes it (`WebKeyConfigType`): the name as a string; the
 * number (1 RSA, 2 ECDSA, 3 ED25519) is what its read model column holds.
 */
export const configTypeNumber: Readonly<Record<WebKeyConfigType, number>> = {
  RSA: 1,
  ECDSA: 2,
  ED25519: 3
}

/**
 * The `config` payload: the Go struct without JSON tags, its enums written by name, e.g.
 * `{"Bits":"2048","Hasher":"SHA256"}`, `{"Curve":"P256"}`, `{}`.
 */
export const encodeConfig = (config: WebKeyConfig): Readonly<Record<string, string>> => {
  switch (config._tag) {
    case "RSA":
      return { Bits: String(config.bits), Hasher: config.hasher }
    case "ECDSA":
      return { Curve: config.curve }
    case "ED25519":
      return {}
  }
}

// Go's JSON decoder matches keys case-insensitively, and enumer accepts lower-case names.
const field = (value: unknown, name: string): unknown => {
  if (value === null || typeof value !== "object") return undefined
  const key = Object.keys(value).find((k) => k.toLowerCase() === name.toLowerCase())
  return key === undefined ? undefined : (value as Record<string, unknown>)[key]
}

const upper = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value.toUpperCase()
    : typeof value === "number"
    ? String(value)
    : undefined

const configTypeOf = (value: unknown): WebKeyConfigType | undefined => {
  if (typeof value === "number") {
    return value === 1 ? "RSA" : value === 2 ? "ECDSA" : value === 3 ? "ED25519" : undefined
  }
  const name = upper(value)
  return name === "RSA" || name === "ECDSA" || name === "ED25519" ? name : undefined
}

/** The config of a stored `config` + `configType`; undefined when no version wrote it so. */
export const decodeConfig = (config: unknown, configType: unknown): WebKeyConfig | undefined => {
  switch (configTypeOf(configType)) {
    case "RSA": {
      const bits = Number(upper(field(config, "Bits")))
      const hasher = upper(field(config, "Hasher"))
      return rsaBits.includes(bits as RsaBits) && rsaHashers.includes(hasher as RsaHasher)
        ? { _tag: "RSA", bits: bits as RsaBits, hasher: hasher as RsaHasher }
        : undefined
    }
    case "ECDSA": {
      const curve = upper(field(config, "Curve"))
      return ellipticCurves.includes(curve as EllipticCurve)
        ? { _tag: "ECDSA", curve: curve as EllipticCurve }
        : undefined
    }
    case "ED25519":
      return { _tag: "ED25519" }
    default:
      return undefined
  }
}
