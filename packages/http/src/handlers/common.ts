import { ReadModels } from "@citadel/adapters"
import { type DomainError, Identity, type ObjectDetails, Projections } from "@citadel/domain"
import { Effect, type Schema } from "effect"
import { type TextQueryMethod, textQueryMethodNames } from "../api/common.js"
import { CurrentPrincipal } from "../api/security.js"
import { toApiError } from "./errors.js"

/** The plumbing every service's handlers share. */

export type Type<S extends Schema.Schema.Any> = Schema.Schema.Type<S>

/** What a handler body may fail with before `toApiError` maps it. */
export type HandlerFailure = DomainError | { readonly _tag: "EventStoreError" | "SqlError" }

/**
 * Runs a handler body for the caller, after checking an instance-wide permission when one is
 * named, and maps every failure once.
 */
export const authorized = <A, E extends HandlerFailure, R>(
  required: string | undefined,
  body: (principal: Identity.Principal) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const principal = yield* CurrentPrincipal
    if (required !== undefined) yield* Identity.requirePermission(principal, required)
    return yield* body(principal)
  }).pipe(Effect.catchAll(toApiError))

/** Runs a handler body for the caller, which checks permissions itself; maps every failure. */
export const authenticated = <A, E extends HandlerFailure, R>(
  body: (principal: Identity.Principal) => Effect.Effect<A, E, R>
) => authorized(undefined, body)

/**
 * Waits until the read models include what a command wrote, so the next read sees it, and
 * gives the command's details back.
 */
export const settled = (written: ObjectDetails) =>
  Effect.as(
    Effect.flatMap(Projections, (projections) => projections.awaitPosition(written.position)),
    written
  )

/** The instance and creator of a command issued by the caller. */
export const caller = (principal: Identity.Principal) => ({
  instanceId: principal.instanceId,
  creator: principal.userId
})

/** `zitadel.object.v2.Details` of what a command wrote. */
export const details = (d: ObjectDetails) => ({
  sequence: d.sequence,
  changeDate: d.changeDate,
  resourceOwner: d.resourceOwner
})

/** The read model's text filter method for a request's `TextQueryMethod` (default EQUALS). */
export const textMethod = (name: Type<typeof TextQueryMethod> | undefined) =>
  ReadModels.textFilterMethods[
    Math.max(0, textQueryMethodNames.indexOf(name ?? "TEXT_QUERY_METHOD_EQUALS"))
  ]!

/** The orgs in which the caller holds a permission (not counting instance-wide grants). */
export const orgsGranting = (principal: Identity.Principal, required: string) =>
  [...principal.orgPermissions].filter(([, granted]) => granted.has(required))
    .map(([orgId]) => orgId)

/**
 * Which rows the caller may read: every row with the instance-wide permission; otherwise its
 * own and those of the orgs granting the permission.
 */
export const visibility = (principal: Identity.Principal, required: string) =>
  principal.permissions.has(required)
    ? { _tag: "All" as const }
    : {
      _tag: "Restricted" as const,
      self: principal.userId,
      orgIds: orgsGranting(principal, required)
    }

/** The offset, limit and order of a list request's `ListQuery`. */
export const toPagination = (
  query:
    | {
      readonly offset?: number | undefined
      readonly limit?: number | undefined
      readonly asc?: boolean | undefined
    }
    | undefined
) => ({
  offset: query?.offset,
  limit: query?.limit,
  asc: query?.asc
})
