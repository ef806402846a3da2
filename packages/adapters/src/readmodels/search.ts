/**
 * Pieces shared by the read-model queries: pagination as ZITADEL's list requests define it, text
 * filters with literal LIKE matching, and the conversions from driver values to plain values.
 */
import { type DomainError, invalidArgument } from "@citadel/domain"
import type { SqlError, Statement } from "@effect/sql"
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

/** {@link textCondition} that refuses an unknown method with InvalidArgument. */
export const textFilter = (
  sql: Statement.Constructor,
  column: string,
  method: TextFilterMethod,
  value: string
): Effect.Effect<Statement.Fragment, DomainError> => {
  const condition = textCondition(sql, column, method, value)
  return condition === undefined
    ? Effect.fail(invalidQuery(`unknown text filter method ${String(method)}`))
    : Effect.succeed(condition)
}

/** `column IN (ids)`; no ids match nothing. */
export const inIds = (
  sql: Statement.Constructor,
  column: string,
  ids: ReadonlyArray<string>
): Statement.Fragment => ids.length === 0 ? sql.literal("FALSE") : sql.in(column, ids)

/** The column a sorting name stands for; an unknown name is refused as an invalid query. */
export const sortColumnOf = <K extends string>(
  columns: Readonly<Record<K, string>>,
  name: K
): Effect.Effect<string, DomainError> => {
  const column = columns[name] as string | undefined
  return column === undefined
    ? Effect.fail(invalidQuery(`unknown sorting column ${String(name)}`))
    : Effect.succeed(column)
}

/**
 * What every search resolves before it queries: the paging, the sort column (its default when
 * none is asked for) and one SQL condition per filter. Fails with InvalidArgument on any of them.
 */
export const resolveSearch = <F, K extends string>(
  sql: Statement.Constructor,
  request: Pagination & {
    readonly sortingColumn?: K | undefined
    readonly filters?: ReadonlyArray<F> | undefined
  },
  columns: Readonly<Record<K, string>>,
  defaultColumn: K,
  condition: (sql: Statement.Constructor, filter: F) => Effect.Effect<
    Statement.Fragment,
    DomainError
  >
) =>
  Effect.gen(function*() {
    const pagination = yield* resolvePagination(request)
    const column = yield* sortColumnOf(columns, request.sortingColumn ?? defaultColumn)
    const conditions = yield* Effect.forEach(request.filters ?? [], (filter) =>
      condition(sql, filter))
    return { ...pagination, column, conditions }
  })

/** `ORDER BY` direction as a fixed keyword, never built from input text. */
export const direction = (sql: Statement.Constructor, asc: boolean): Statement.Fragment =>
  asc ? sql.literal("ASC") : sql.literal("DESC")

/** Sorts by `column`, then by `id` so that pages stay stable among equal values. */
export const orderBy = (
  sql: Statement.Constructor,
  column: string,
  id: string,
  asc: boolean
): Statement.Fragment =>
  sql.csv([sql`${sql(column)} ${direction(sql, asc)}`, sql`${sql(id)} ${direction(sql, asc)}`])

/** What {@link selectPage} reads one page from. */
export interface PageQuery {
  /** The selected columns, as fixed text. */
  readonly columns: string
  readonly from: Statement.Fragment
  readonly where: Statement.Fragment
  readonly order: Statement.Fragment
  readonly pagination: { readonly limit: number; readonly offset: number }
  /** Where the count of a page past the end reads from, when it differs from the page's. */
  readonly count?: { readonly from: Statement.Fragment; readonly where: Statement.Fragment }
}

/**
 * One page of rows with the count of every match: the count rides on each row as a window
 * count; a page past the end holds no row to carry it, so then it is counted on its own.
 */
export const selectPage = <Row extends object, A>(
  sql: Statement.Constructor,
  query: PageQuery,
  toView: (row: Row) => A
): Effect.Effect<Page<A>, SqlError.SqlError> =>
  Effect.gen(function*() {
    const { limit, offset } = query.pagination
    const rows = yield* sql<Row & { readonly total_result: unknown }>`
      SELECT ${sql.literal(query.columns)}, count(*) OVER () AS total_result
      FROM ${query.from}
      WHERE ${query.where}
      ORDER BY ${query.order}
      LIMIT ${limit} OFFSET ${offset}
    `
    const counted = query.count ?? { from: query.from, where: query.where }
    const totalResult = rows.length > 0
      ? toNumber(rows[0]!.total_result)
      : offset === 0
      ? 0
      : yield* Effect.map(
        sql<{ readonly total: unknown }>`
          SELECT count(*) AS total FROM ${counted.from} WHERE ${counted.where}
        `,
        (total) => toNumber(total[0]?.total ?? 0)
      )
    return { totalResult, appliedLimit: limit, result: rows.map(toView) }
  })

/** Drivers return bigint and count columns as strings (pg) or bigints (PGlite). */
export const toNumber = (value: unknown): number =>
  typeof value === "number" ? value : Number(value)

export const toDate = (value: unknown): Date =>
  value instanceof Date ? value : new Date(String(value))
