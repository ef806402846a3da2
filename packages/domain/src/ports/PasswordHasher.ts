import { Context, type Effect, type Redacted } from "effect"

/**
 * One-way hashing of user-chosen secrets (passwords, client secrets) in a standard encoded form
 * (argon2id or bcrypt in PHC / modular crypt format), so hashes imported from ZITADEL verify.
 */
export interface PasswordHasherService {
  /** The encoded hash of the secret, with a fresh salt. */
  readonly hash: (secret: Redacted.Redacted<string>) => Effect.Effect<string>
  /** Whether the secret matches an encoded hash of any supported algorithm; false if unreadable. */
  readonly verify: (encoded: string, secret: Redacted.Redacted<string>) => Effect.Effect<boolean>
}

export class PasswordHasher extends Context.Tag("citadel/PasswordHasher")<
  PasswordHasher,
  PasswordHasherService
>() {}
