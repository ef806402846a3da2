import { Context, Layer } from "effect"
import type { ServerConfig } from "./config.js"

/**
 * The lockout policy: how many failed password checks in a row lock a user (ZITADEL's
 * `MaxPasswordAttempts`; 0 never locks).
 */
export class LockoutPolicy extends Context.Tag("citadel/http/LockoutPolicy")<LockoutPolicy, {
  readonly maxPasswordAttempts: number
}>() {
  static readonly layer = (config: ServerConfig) =>
    Layer.succeed(LockoutPolicy, { maxPasswordAttempts: config.maxPasswordAttempts })
}
