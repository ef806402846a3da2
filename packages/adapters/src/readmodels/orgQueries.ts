/**
 * Queries over the org read model (ListOrganizations of ZITADEL's org service v2). Every query
 * is scoped to one instance, never shows removed orgs, and can be narrowed to the orgs a caller
 * may read.
 */
import type { DomainError } from "@citadel/domain"
import { SqlClient, type SqlError, type Statement } from "@effect/sql"
import { Effect } from "effect"
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

/** ZITADEL's org states: 1 active, 2 inactive (3 removed is never shown). */
export type OrgViewState = 1 | 2

export interface OrgView {
  readonly id: string
  readonly name: string
  readonly state: OrgViewState
  readonly primaryDomain: string
  readonly creationDate: Date
  readonly changeDate: Date
  readonly sequence: number
  readonly resourceOwner: string
}

/** ListOrganizations filters (`SearchQuery`); several filters must all match. */
export type OrgFilter =
  | { readonly _tag: "OrgName"; readonly name: string; readonly method: TextFilterMethod }
  | { readonly _tag: "OrgDomain"; readonly domain: string; readonly method: TextFilterMethod }
  | { readonly _tag: "OrgState"; readonly state: number }
  | { readonly _tag: "OrgId"; readonly id: string }

/** `OrganizationFieldName`: index `i` is proto value `i + 1`; unspecified sorts by id. */
export const orgSortingColumns = ["name", "creationDate"] as const

export type OrgSortingColumn = typeof orgSortingColumns[number] | "id"

export interface SearchOrgsRequest extends Pagination {
  readonly sortingColumn?: OrgSortingColumn | undefined
  readonly filters?: ReadonlyArray<OrgFilter> | undefined
  /** Only these orgs; every org of the instance when absent. */
  readonly visibleOrgIds?: ReadonlyArray<string> | undefined
}

const sortColumn: Record<OrgSortingColumn, string> = {
  id: "id",
  name: "name",
  creationDate: "creation_date"
}

interface OrgRow {
  readonly id: string
  readonly name: string
  readonly state: unknown
  readonly primary_domain: string
  readonly creation_date: unknown
  readonly change_date: unknown
  readonly sequence: unknown
  readonly resource_owner: string
}

const columns = `id, name, state, primary_domain, creation_date, change_date, sequence,
  resource_owner`

const removedState = 3

const toView = (row: OrgRow): OrgView => ({
  id: row.id,
  name: row.name,
  state: toNumber(row.state) as OrgViewState,
  primaryDomain: row.primary_domain,
  creationDate: toDate(row.creation_date),
  changeDate: toDate(row.change_date),
  sequence: toNumber(row.sequence),
  resourceOwner: row.resource_owner
})

const filterCondition = (
  sql: Statement.Constructor,
  filter: OrgFilter
): Effect.Effect<Statement.Fragment, DomainError> => {
  const text = (column: string, method: TextFilterMethod, value: string) =>
    textFilter(sql, column, method, value)
  switch (filter._tag) {
    case "OrgName":
      return text("name", filter.method, filter.name)
    case "OrgDomain":
      return text("primary_domain", filter.method, filter.domain)
    case "OrgState":
      return Effect.succeed(sql`state = ${filter.state}`)
    case "OrgId":
      return Effect.succeed(sql`id = ${filter.id}`)
    default:
      return Effect.fail(invalidQuery("unknown org filter"))
  }
}

/**
 * One page of the instance's orgs matching every filter, with the total count of matches.
 * Fails with InvalidArgument on a limit above the maximum, a bad offset, or an unknown filter.
 */
export const searchOrgs = (
  instanceId: string,
  request: SearchOrgsRequest
): Effect.Effect<Page<OrgView>, DomainError | SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { asc, column, conditions, limit, offset } = yield* resolveSearch(
      sql,
      request,
      sortColumn,
      "id",
      filterCondition
    )
    const ids = request.visibleOrgIds
    const visible = ids === undefined ? [] : [inIds(sql, "id", ids)]
    const where = sql.and([
      sql`instance_id = ${instanceId}`,
      sql`state <> ${removedState}`,
      ...visible,
      ...conditions
    ])
    return yield* selectPage(sql, {
      columns,
      from: sql.literal("projections.orgs"),
      where,
      order: orderBy(sql, column, "id", asc),
      pagination: { limit, offset }
    }, toView)
  })
