import {
  Clock,
  Crypto,
  type DomainError,
  Identity,
  unauthenticated,
  unavailable
} from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer, Redacted } from "effect"

/**
 * Verifies bearer tokens (personal access tokens) against the read models and resolves who
 * the caller is and what they may do.
 */
export interface AuthenticatorService {
  /**
   * The principal a token stands for. Fails with Unauthenticated when the token is unknown,
   * removed or expired, its user is not active, or the user's org is deactivated or removed;
   * the message never says which. `orgPermissions` holds the permissions of the user's org roles.
   */
  readonly authenticate: (
    bearerToken: Redacted.Redacted<string>
  ) => Effect.Effect<Identity.Principal, DomainError>
  /** Fails with PermissionDenied (`AUTHZ-HKJD33`) when the principal lacks the permission. */
  readonly requirePermission: (
    principal: Identity.Principal,
    permission: string
  ) => Effect.Effect<void, DomainError>
}

export class Authenticator extends Context.Tag("citadel/Authenticator")<
  Authenticator,
  AuthenticatorService
>() {}

// ZITADEL's ids; its message for all three is "invalid token", which is what a caller sees.
const malformed = () => unauthenticated("APP-Reb32", "Errors.Token.Invalid")
const unknownToken = () => unauthenticated("APP-BxUSiL", "Errors.Token.Invalid")
const expiredToken = () => unauthenticated("APP-k9KS0", "Errors.Token.Invalid")

interface TokenRow {
  readonly instance_id: string
  readonly user_id: string
  readonly expiration: unknown
  readonly resource_owner: string
  readonly state: unknown
  /** The state of the user's org; null when the org is not projected. */
  readonly org_state: unknown
}

interface MemberRow {
  readonly roles: unknown
}

interface OrgMemberRow {
  readonly org_id: string
  readonly roles: unknown
}

const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)))

const toRoles = (value: unknown): ReadonlyArray<string> => {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value
  return Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === "string") : []
}

const bearerPrefix = /^bearer\s+/i

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const crypto = yield* Crypto
  const clock = yield* Clock

  const lookup = (digest: string) =>
    sql<TokenRow>`
      SELECT t.instance_id, t.user_id, t.expiration, u.resource_owner, u.state,
        o.state AS org_state
      FROM projections.personal_access_tokens t
      JOIN projections.users u ON u.instance_id = t.instance_id AND u.id = t.user_id
      LEFT JOIN projections.orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner
      WHERE t.token_hash = ${digest}
    `

  const rolesOf = (instanceId: string, userId: string) =>
    sql<MemberRow>`
      SELECT roles FROM projections.instance_members
      WHERE instance_id = ${instanceId} AND user_id = ${userId}
    `

  const orgRolesOf = (instanceId: string, userId: string) =>
    sql<OrgMemberRow>`
      SELECT org_id, roles FROM projections.org_members
      WHERE instance_id = ${instanceId} AND user_id = ${userId}
    `

  const authenticate = (bearerToken: Redacted.Redacted<string>) =>
    Effect.gen(function*() {
      const token = Redacted.value(bearerToken).replace(bearerPrefix, "").trim()
      if (token === "") return yield* Effect.fail(malformed())

      // The token is looked up by its digest: the secret is never compared, and how long the
      // index search takes tells nothing about a secret with 256 bits of entropy.
      const digest = yield* crypto.digest(Redacted.make(token))
      const rows = yield* lookup(digest)
      const row = rows[0]
      if (row === undefined) return yield* Effect.fail(unknownToken())
      if (Number(row.state) !== Identity.userStateNumber.active) {
        return yield* Effect.fail(unknownToken())
      }
      // A deactivated or removed org locks its users out, as ZITADEL does.
      if (row.org_state !== null && Number(row.org_state) !== Identity.orgStateNumber.active) {
        return yield* Effect.fail(unknownToken())
      }

      const now = yield* clock.now
      if (toDate(row.expiration).getTime() <= now.getTime()) {
        return yield* Effect.fail(expiredToken())
      }

      const members = yield* rolesOf(row.instance_id, row.user_id)
      const roles = members.flatMap((member) => toRoles(member.roles))
      const orgMembers = yield* orgRolesOf(row.instance_id, row.user_id)
      const orgPermissions = new Map(
        orgMembers.map((member) => [member.org_id, Identity.permissionsOf(toRoles(member.roles))])
      )
      return {
        instanceId: row.instance_id,
        userId: row.user_id,
        orgId: row.resource_owner,
        permissions: Identity.permissionsOf(roles),
        orgPermissions
      } satisfies Identity.Principal
    }).pipe(
      Effect.catchTag("SqlError", () =>
        Effect.fail(unavailable("AUTHZ-db4v1", "Errors.Internal", "token lookup failed"))),
      Effect.withSpan("auth.authenticate")
    )

  return Authenticator.of({ authenticate, requirePermission: Identity.requirePermission })
})

/** The Authenticator over the auth read models. */
export const layer: Layer.Layer<Authenticator, never, SqlClient.SqlClient | Crypto | Clock> =
  Layer.effect(Authenticator, make)
