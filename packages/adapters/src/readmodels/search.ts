/**
 * Pieces shared by the read-model queries: pagination as ZITADEL's list requests define it, text
 * filters with literal LIKE matching, and the conversions from driver values to plain values.
 */
import { type DomainError, invalidArgument } from "@citadel/domain"
import type { Statement } from "@effect/sql"
import { Effect } from "effect"

/** ZITADEL's `DefaultQueryLimit`: applied when a request gives no limit (or 0). */
export const DefaultQueryLimit = 100

/** ZITADEL's `MaxQueryLimit`: a larger limit is refused, never silently capped. */
export const MaxQueryLimit = 1000

/** A list request's paging, shaped like `zitadel.filter.v2.PaginationRequest`. */
export interface Pagination {
  readonly offset?: number | undefined
  /** 0 or absent means {@link DefaultQueryLimit}. */
  readonly limit?: number | undefined
  /** Ascending when true; the default, as in ZITADEL, is descending. */
  readonly asc?: boolean | undefined
}

export interface ResolvedPagination {
  readonly offset: number
  readonly limit: number
  readonly asc: boolean
}

/** One page of a search, with the count of every match regardless of the page. */
export interface Page<A> {
  readonly totalResult: number
  readonly appliedLimit: number
  readonly result: ReadonlyArray<A>
}

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/**
 * Applies the defaults and refuses a limit above {@link MaxQueryLimit} with InvalidArgument
 * `Errors.Query.LimitExceeded`, as ZITADEL does. Negative or fractional numbers are refused too:
 * the proto fields are unsigned integers.
 */
export const resolvePagination = (
  pagination: Pagination
): Effect.Effect<ResolvedPagination, DomainError> => {
  const offset = pagination.offset ?? 0
  const limit = pagination.limit ?? 0
  if (!isCount(offset) || !isCount(limit)) {
    return Effect.fail(
      invalidArgument(
        "QUERY-Pg8nVq",
        "Errors.Query.InvalidRequest",
        `offset and limit must be non-negative integers, given offset ${offset}, limit ${limit}`
      )
    )
  }
  if (limit > MaxQueryLimit) {
    return Effect.fail(
      invalidArgument(
        "QUERY-4M0fs",
        "Errors.Query.LimitExceeded",
        `given: ${limit}, allowed: ${MaxQueryLimit}`
      )
    )
  }
  return Effect.succeed({
    offset,
    limit: limit === 0 ? DefaultQueryLimit : limit,
    asc: pagination.asc ?? false
  })
}

/** Refusal for a filter or sorting column the query does not know. */
export const invalidQuery = (detail: string): DomainError =>
  invalidArgument("QUERY-vR9nCq", "List.Query.Invalid", detail)

/**
 * Text comparison methods, indexed as `zitadel.filter.v2.TextFilterMethod` numbers them
 * (`textFilterMethods[0]` is TEXT_FILTER_METHOD_EQUALS, … `[7]` ENDS_WITH_IGNORE_CASE).
 */
export const textFilterMethods = [
  "equals",
  "equalsIgnoreCase",
  "startsWith",
  "startsWithIgnoreCase",
  "contains",
  "containsIgnoreCase",
  "endsWith",
  "endsWithIgnoreCase"
] as const

export type TextFilterMethod = typeof textFilterMethods[number]

/** Escapes `\`, `%` and `_` so that a value matches literally under `LIKE … ESCAPE '\'`. */
export const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * A condition comparing `column` with `value` by `method`. The value always travels as a
 * parameter; wildcards in it are escaped, so `a_%` finds only names holding those characters.
 * Returns undefined for an unknown method.
 */
export const textCondition = (
  sql: Statement.Constructor,
  column: string,
  method: TextFilterMethod,
  value: string
): Statement.Fragment | undefined => {
  const col = sql(column)
  const escaped = escapeLike(value)
  switch (method) {
    case "equals":
      return sql`${col} = ${value}`
    case "equalsIgnoreCase":
      return sql`${col} ILIKE ${escaped} ESCAPE '\\'`
    case "startsWith":
      return sql`${col} LIKE ${escaped + "%"} ESCAPE '\\'`
    case "startsWithIgnoreCase":
      return sql`${col} ILIKE ${escaped + "%"} ESCAPE '\\'`
    case "contains":
      return sql`${col} LIKE ${"%" + escaped + "%"} ESCAPE '\\'`
    case "containsIgnoreCase":
      return sql`${col} ILIKE ${"%" + escaped + "%"} ESCAPE '\\'`
    case "endsWith":
      return sql`${col} LIKE ${"%" + escaped} ESCAPE '\\'`
    case "endsWithIgnoreCase":
      return sql`${col} ILIKE ${"%" + escaped} ESCAPE '\\'`
    default:
      return undefined
  }
}

/** `ORDER BY` direction as a fixed keyword, never built from input text. */
export const direction = (sql: Statement.Constructor, asc: boolean): Statement.Fragment =>
  asc ? sql.literal("ASC") : sql.literal("DESC")

/** Drivers return bigint and count columns as strings (pg) or bigints (PGlite). */
export const toNumber = (value: unknown): number =>
  typeof value === "number" ? value : Number(value)

export const toDate = (value: unknown): Date =>
  value instanceof Date ? value : new Date(String(value))
