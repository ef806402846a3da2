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
