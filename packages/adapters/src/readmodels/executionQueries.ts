/**
 * Queries over the executions read model (ListExecutions of ZITADEL's action service v2). Every
 * query is scoped to one instance and reads only `projections.executions1` and its entries.
 */
import { type DomainError, Execution } from "@citadel/domain"
import { SqlClient, type SqlError, type Statement } from "@effect/sql"
import { Effect } from "effect"
import {
  invalidQuery,
  orderBy,
  type Page,
  type Pagination,
  resolveSearch,
  selectPage,
  toDate,
  toNumber
} from "./search.js"

export interface ExecutionView {
  /** Derived from the condition: `request/<method>`, `event/<group>.*`, `function/<name>`, … */
  readonly id: string
  /** In list order: call a target, or run every entry of an included execution. */
  readonly entries: ReadonlyArray<Execution.ExecutionEntry>
  readonly creationDate: Date
  readonly changeDate: Date
  readonly sequence: number
}

export type ExecutionType = "request" | "response" | "event" | "function"

/**
 * ListExecutions filters (`ExecutionSearchFilter`), all of which must match:
 * - `InConditions`: the execution is one of these ids (conditions turned into ids by the caller
 *   with the domain's id rule);
 * - `ExecutionType`: the id is the type itself or starts with `<type>/`;
 * - `Target`: an entry calls this target;
 * - `Include`: an entry includes this execution id (the v3alpha API's include query).
 */
export type ExecutionFilter =
  | { readonly _tag: "InConditions"; readonly executionIds: ReadonlyArray<string> }
  | { readonly _tag: "ExecutionType"; readonly executionType: ExecutionType }
  | { readonly _tag: "Target"; readonly targetId: string }
  | { readonly _tag: "Include"; readonly executionId: string }

/**
 * Sorting columns of `ExecutionFieldName`. Index `i` is proto value `i + 1`
 * (EXECUTION_FIELD_NAME_ID = 1 …); UNSPECIFIED means the default, the creation date.
 */
export const executionSortingColumns = ["id", "creationDate", "changeDate"] as const

export type ExecutionSortingColumn = typeof executionSortingColumns[number]

export interface SearchExecutionsRequest extends Pagination {
  /** Defaults to `creationDate`. Ties are broken by id, in the same direction. */
  readonly sortingColumn?: ExecutionSortingColumn | undefined
  readonly filters?: ReadonlyArray<ExecutionFilter> | undefined
}

const sortColumn: Record<ExecutionSortingColumn, string> = {
  id: "e.id",
  creationDate: "e.creation_date",
  changeDate: "e.change_date"
}

const executionTypes: ReadonlyArray<string> = ["request", "response", "event", "function"]

interface ExecutionRow {
  readonly id: string
  readonly creation_date: unknown
  readonly change_date: unknown
  readonly sequence: unknown
  readonly entries: unknown
}

interface EntryJson {
  readonly include: string | null
  readonly target: string | null
}

const toEntries = (value: unknown): ReadonlyArray<Execution.ExecutionEntry> => {
  const list = (typeof value === "string" ? JSON.parse(value) : value) as ReadonlyArray<EntryJson>
  return list.map((entry) =>
    entry.include !== null
      ? Execution.includeEntry(entry.include)
      : Execution.targetEntry(entry.target ?? "")
  )
}

const toView = (row: ExecutionRow): ExecutionView => ({
  id: row.id,
  entries: toEntries(row.entries),
  creationDate: toDate(row.creation_date),
  changeDate: toDate(row.change_date),
  sequence: toNumber(row.sequence)
})

const hasEntry = (sql: Statement.Constructor, condition: Statement.Fragment) =>
  sql`EXISTS (
    SELECT 1 FROM projections.executions1_targets x
    WHERE x.instance_id = e.instance_id AND x.execution_id = e.id AND ${condition}
  )`

const filterCondition = (
  sql: Statement.Constructor,
  filter: ExecutionFilter
): Effect.Effect<Statement.Fragment, DomainError> => {
  switch (filter._tag) {
    case "InConditions":
      return Effect.succeed(sql.in("e.id", filter.executionIds))
    case "ExecutionType":
      return executionTypes.includes(filter.executionType)
        ? Effect.succeed(
          sql`(e.id = ${filter.executionType} OR e.id LIKE ${filter.executionType + "/%"})`
        )
        : Effect.fail(invalidQuery(`unknown execution type ${String(filter.executionType)}`))
    case "Target":
      return Effect.succeed(hasEntry(sql, sql`x.target_id = ${filter.targetId}`))
    case "Include":
      return Effect.succeed(hasEntry(sql, sql`x.include = ${filter.executionId}`))
    default:
      return Effect.fail(invalidQuery("unknown execution filter"))
  }
}

/**
 * One page of the instance's executions that have at least one entry and match every filter,
 * each with its entries in list order, and the total count of matches. An execution whose
 * entries all named removed targets is no longer listed, as in ZITADEL. Fails with
 * InvalidArgument on a limit above the maximum, a bad offset, or an unknown filter or column.
 */
export const searchExecutions = (
  instanceId: string,
  request: SearchExecutionsRequest
): Effect.Effect<Page<ExecutionView>, DomainError | SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { asc, column, conditions, limit, offset } = yield* resolveSearch(
      sql,
      request,
      sortColumn,
      "creationDate",
      filterCondition
    )
    const where = sql.and([sql`e.instance_id = ${instanceId}`, ...conditions])
    // The lateral aggregate yields NULL for an execution without entries, which drops it.
    const from = sql`projections.executions1 e
      JOIN LATERAL (
        SELECT jsonb_agg(
          jsonb_build_object('include', t.include, 'target', t.target_id) ORDER BY t.position
        ) AS entries
        FROM projections.executions1_targets t
        WHERE t.instance_id = e.instance_id AND t.execution_id = e.id
      ) l ON l.entries IS NOT NULL`
    return yield* selectPage(sql, {
      columns: "e.id, e.creation_date, e.change_date, e.sequence, l.entries",
      from,
      where,
      order: orderBy(sql, column, "e.id", asc),
      pagination: { limit, offset },
      count: {
        from: sql.literal("projections.executions1 e"),
        where: sql`${where} AND ${hasEntry(sql, sql.literal("TRUE"))}`
      }
    }, toView)
  })
