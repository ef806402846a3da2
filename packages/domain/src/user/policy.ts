import { Either } from "effect"
import { type DomainError, invalidArgument } from "../kernel/errors.js"

/**
 * The password rules ZITADEL applies by default: its default complexity policy and a lockout
 * policy. Both are pure: the use cases apply them to what they are given.
 */

/** ZITADEL's `PasswordComplexityPolicy`. */
export interface PasswordComplexityPolicy {
  readonly minLength: number
  readonly hasLowercase: boolean
  readonly hasUppercase: boolean
  readonly hasNumber: boolean
  readonly hasSymbol: boolean
}

/** ZITADEL's default policy (`cmd/defaults.yaml`): 8 characters, all four character classes. */
export const defaultPasswordComplexityPolicy: PasswordComplexityPolicy = {
  minLength: 8,
  hasLowercase: true,
  hasUppercase: true,
  hasNumber: true,
  hasSymbol: true
}

/**
 * How many failed password checks in a row lock a user. ZITADEL's lockout policy
 * (`MaxPasswordAttempts`) defaults to 0, which never locks; Citadel locks after 5 by default,
 * and a caller may pass another number (0 turns lockout off).
 */
export const defaultMaxPasswordAttempts = 5

const hasLower = (password: string) => /\p{Ll}/u.test(password)
const hasUpper = (password: string) => /\p{Lu}/u.test(password)
const hasNumber = (password: string) => /\p{Nd}/u.test(password)
// ZITADEL counts as a symbol anything that is neither a letter nor a digit.
const hasSymbol = (password: string) => /[^\p{L}\p{Nd}]/u.test(password)

const refuse = (id: string, rule: string) =>
  Either.left(invalidArgument(id, `Errors.User.PasswordComplexityPolicy.${rule}`))

/**
 * Checks a new password against the policy, rule by rule in ZITADEL's order, with ZITADEL's
 * error ids. The length counts bytes of UTF-8, as ZITADEL's `len` does. The password never
 * appears in the error.
 */
export const checkPasswordComplexity = (
  policy: PasswordComplexityPolicy,
  password: string
): Either.Either<void, DomainError> => {
  if (policy.minLength > 0 && new TextEncoder().encode(password).length < policy.minLength) {
    return refuse("DOMAIN-HuJf6", "MinLength")
  }
  if (policy.hasLowercase && !hasLower(password)) return refuse("DOMAIN-co3Xw", "HasLower")
  if (policy.hasUppercase && !hasUpper(password)) return refuse("DOMAIN-VoaRj", "HasUpper")
  if (policy.hasNumber && !hasNumber(password)) return refuse("DOMAIN-ZBv4H", "HasNumber")
  if (policy.hasSymbol && !hasSymbol(password)) return refuse("DOMAIN-ZDLwA", "HasSymbol")
  return Either.void
}

/** Encoded hash formats the PasswordHasher adapter verifies (argon2id/argon2i PHC, bcrypt). */
export const isSupportedHash = (encoded: string): boolean =>
  /^\$(argon2id|argon2i|2a|2b|2y)\$/.test(encoded)
