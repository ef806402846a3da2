import { Schema } from "effect"
import { ProtoEnum, Timestamp, UInt64, UInt64Out } from "./protojson.js"

/** Schemas that several of ZITADEL's services share, defined once. */

/** `TextQueryMethod` of the v1 and v2 object packages, by name as ZITADEL lists it. */
export const textQueryMethodNames = [
  "TEXT_QUERY_METHOD_EQUALS",
  "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE",
  "TEXT_QUERY_METHOD_STARTS_WITH",
  "TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE",
  "TEXT_QUERY_METHOD_CONTAINS",
  "TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE",
  "TEXT_QUERY_METHOD_ENDS_WITH",
  "TEXT_QUERY_METHOD_ENDS_WITH_IGNORE_CASE"
] as const

export const TextQueryMethod = ProtoEnum("TextQueryMethod", textQueryMethodNames)

/** `zitadel.v1.ListQuery` and `zitadel.object.v2.ListQuery`: the same three fields. */
export const ListQuery = Schema.Struct({
  offset: Schema.optional(UInt64),
  limit: Schema.optional(UInt64),
  asc: Schema.optional(Schema.Boolean)
})

/** `zitadel.object.v2.ListDetails` as the v2 services answer it. */
export const ListDetails = Schema.Struct({ totalResult: UInt64Out, timestamp: Timestamp })

/** `zitadel.filter.v2.PaginationRequest`. */
export const Pagination = Schema.Struct({
  offset: Schema.optional(UInt64),
  limit: Schema.optional(UInt64),
  asc: Schema.optional(Schema.Boolean)
})

/** `zitadel.filter.v2.PaginationResponse`. */
export const PaginationResponse = Schema.Struct({
  totalResult: UInt64Out,
  appliedLimit: UInt64Out
})

/**
 * Caps on the lists a request may carry. ZITADEL documents none; without them a search with
 * hundreds of filters or tens of thousands of ids stalls or breaks the database (one clause per
 * filter, one bind parameter per id), so they are chosen well above any real use:
 * - `filters`: search filters (or `queries`) of one search request;
 * - `ids`: ids in one id filter;
 * - `conditions`: conditions in one conditions filter;
 * - `entries`: targets and includes of one execution, admins of one new org, roles of one admin;
 * - `uris`: redirect, post-logout redirect URIs and additional origins of one app;
 * - `enums`: values of an enum list (response or grant types), duplicates included;
 * - `values`: values of one user agent header.
 */
export const maxItems = {
  filters: 20,
  ids: 1000,
  conditions: 100,
  entries: 100,
  uris: 100,
  enums: 10,
  values: 100
} as const

/** A repeated field of a request, of at most `max` items. */
export const Repeated = <S extends Schema.Schema.Any>(item: S, max: number) =>
  Schema.maxItems<Schema.Array$<S>>(max, {
    message: (issue) => {
      const actual = issue.actual
      const count = Array.isArray(actual) ? ` (got ${actual.length})` : ""
      return `at most ${max} items may be given${count}`
    }
  })(Schema.Array(item))

/**
 * An optional repeated field of a request, of at most `max` items. `null` reads as absent, as
 * protojson reads a null repeated field as empty.
 */
export const OptionalRepeated = <S extends Schema.Schema.Any>(item: S, max: number) =>
  Schema.optionalWith(Repeated(item, max), { nullable: true })

/**
 * A proto oneof within a message: refuses a message with more than one of `members` set, and
 * one with none when `required`. Without it, a member beside the one read would be dropped
 * silently.
 */
export const oneof = <const K extends string>(
  members: ReadonlyArray<K>,
  options: { readonly required?: boolean } = {}
) =>
<A extends { readonly [P in K]?: unknown }, I, R>(self: Schema.Schema<A, I, R>) =>
  self.pipe(Schema.filter((value) => {
    const set = members.filter((member) => value[member] !== undefined)
    const names = members.length === 2 ? members.join(" or ") : members.join(", ")
    if (set.length > 1) return `only one of ${names} may be set`
    if (set.length === 0 && options.required === true) return `one of ${names} must be set`
    return true
  }))
