/**
 * Queries over the targets read model (GetTarget and ListTargets of ZITADEL's action service v2).
 * Every query is scoped to one instance and reads only `projections.targets2`.
 */
import type { DomainError, Target } from "@citadel/domain"
import { SqlClient, type SqlError, type Statement } from "@effect/sql"
import { Array as Arr, Effect, Option } from "effect"
import {
  inIds,
  invalidQuery,
  orderBy,
  type Page,
  type Pagination,
  resolveSearch,
  selectPage,
  textFilter,
  type TextFilterMethod,
  toDate,
  toNumber
} from "./search.js"

/** A target as the read side shows it. It never carries the signing key. */
export interface TargetView {
  readonly id: string
  readonly name: string
  /** 0 webhook, 1 call, 2 async. */
  readonly targetType: Target.TargetType
  readonly endpoint: string
  /** Nanoseconds, as stored in the events. */
  readonly timeoutNs: number
  readonly interruptOnError: boolean
  /** 0 unspecified, 1 JSON, 2 JWT, 3 JWE. */
  readonly payloadType: Target.PayloadType
  readonly creationDate: Date
  readonly changeDate: Date
  readonly sequence: number
  readonly resourceOwner: string
}

/** ListTargets filters (`TargetSearchFilter`); several filters must all match. */
export type TargetFilter =
  | {
    readonly _tag: "TargetName"
    readonly name: string
    readonly method: TextFilterMethod
  }
  | { readonly _tag: "InTargetIds"; readonly ids: ReadonlyArray<string> }

/**
 * Sorting columns of `TargetFieldName`, plus `payloadType`. Index `i` of this array is proto
 * value `i + 1` (TARGET_FIELD_NAME_ID = 1 … INTERRUPT_ON_ERROR = 8); UNSPECIFIED means the
 * default, the creation date.
 */
export const targetSortingColumns = [
  "id",
  "creationDate",
  "changeDate",
  "name",
  "targetType",
  "endpoint",
  "timeout",
  "interruptOnError",
  "payloadType"
] as const

export type TargetSortingColumn = typeof targetSortingColumns[number]

export interface SearchTargetsRequest extends Pagination {
  /** Defaults to `creationDate`. Ties are broken by id, in the same direction. */
  readonly sortingColumn?: TargetSortingColumn | undefined
  readonly filters?: ReadonlyArray<TargetFilter> | undefined
}

const sortColumn: Record<TargetSortingColumn, string> = {
  id: "id",
  creationDate: "creation_date",
  changeDate: "change_date",
  name: "name",
  targetType: "target_type",
  endpoint: "endpoint",
  timeout: "timeout_ns",
  interruptOnError: "interrupt_on_error",
  payloadType: "payload_type"
}

interface TargetRow {
  readonly id: string
  readonly name: string
  readonly target_type: unknown
  readonly endpoint: string
  readonly timeout_ns: unknown
  readonly interrupt_on_error: boolean
  readonly payload_type: unknown
  readonly creation_date: unknown
  readonly change_date: unknown
  readonly sequence: unknown
  readonly resource_owner: string
}

const columns = `id, name, target_type, endpoint, timeout_ns, interrupt_on_error, payload_type,
  creation_date, change_date, sequence, resource_owner`

const toView = (row: TargetRow): TargetView => ({
  id: row.id,
  name: row.name,
  targetType: toNumber(row.target_type) as Target.TargetType,
  endpoint: row.endpoint,
  timeoutNs: toNumber(row.timeout_ns),
  interruptOnError: row.interrupt_on_error,
  payloadType: toNumber(row.payload_type) as Target.PayloadType,
  creationDate: toDate(row.creation_date),
  changeDate: toDate(row.change_date),
  sequence: toNumber(row.sequence),
  resourceOwner: row.resource_owner
})

/** The target with this id in the instance, if it exists (removed targets do not). */
export const getTarget = (
  instanceId: string,
  id: string
): Effect.Effect<Option.Option<TargetView>, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<TargetRow>`
      SELECT ${sql.literal(columns)}
      FROM projections.targets2
      WHERE instance_id = ${instanceId} AND id = ${id}
    `
    return Option.map(Arr.head(rows), toView)
  })

const filterCondition = (
  sql: Statement.Constructor,
  filter: TargetFilter
): Effect.Effect<Statement.Fragment, DomainError> => {
  switch (filter._tag) {
    case "TargetName": {
      return textFilter(sql, "name", filter.method, filter.name)
    }
    case "InTargetIds":
      return Effect.succeed(inIds(sql, "id", filter.ids))
    default:
      return Effect.fail(invalidQuery("unknown target filter"))
  }
}

/**
 * One page of the instance's targets matching every filter, with the total count of matches.
 * Fails with InvalidArgument on a limit above the maximum, a bad offset, or an unknown filter
 * or sorting column.
 */
export const searchTargets = (
  instanceId: string,
  request: SearchTargetsRequest
): Effect.Effect<Page<TargetView>, DomainError | SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { asc, column, conditions, limit, offset } = yield* resolveSearch(
      sql,
      request,
      sortColumn,
      "creationDate",
      filterCondition
    )
    const where = sql.and([sql`instance_id = ${instanceId}`, ...conditions])
    return yield* selectPage(sql, {
      columns,
      from: sql.literal("projections.targets2"),
      where,
      order: orderBy(sql, column, "id", asc),
      pagination: { limit, offset }
    }, toView)
  })
