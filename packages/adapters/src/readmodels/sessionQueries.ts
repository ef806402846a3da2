/**
 * Queries over the sessions read model (GetSession and ListSessions of ZITADEL's session service
 * v2). The checked user's login name and display name come from `projections.users2`, joined
 * at read time as ZITADEL joins its user tables.
 */
import type { DomainError } from "@citadel/domain"
import { SqlClient, type SqlError, type Statement } from "@effect/sql"
import { Array as Arr, Effect, Option } from "effect"
import {
  invalidQuery,
  orderBy,
  type Page,
  type Pagination,
  resolvePagination,
  selectPage,
  toDate,
  toNumber
} from "./search.js"

/** A session as the read side shows it. */
export interface SessionView {
  readonly id: string
  readonly creationDate: Date
  readonly changeDate: Date
  readonly sequence: number
  /** ZITADEL's `domain.SessionState`: 1 active. */
  readonly state: number
  readonly resourceOwner: string
  readonly creator: string
  /** Present once a user is checked. */
  readonly user?: {
    readonly id: string
    readonly resourceOwner: string
    readonly checkedAt: Date
    /** Empty when the user is gone from the users read model. */
    readonly loginName: string
    readonly displayName: string
  }
  readonly passwordCheckedAt: Date | undefined
  /** Standard base64 values. */
  readonly metadata: Readonly<Record<string, string>>
  readonly userAgent: {
    readonly fingerprintId: string | undefined
    readonly ip: string | undefined
    readonly description: string | undefined
    readonly header: Readonly<Record<string, ReadonlyArray<string>>> | undefined
  }
  readonly expiration: Date | undefined
  /** Digest of the latest session token; compared, never shown. */
  readonly tokenHash: string
}

/** ZITADEL's `TimestampQueryMethod` comparisons. */
export type TimestampMethod = "equals" | "greater" | "greaterOrEquals" | "less" | "lessOrEquals"

/** ListSessions filters (`SearchQuery`); several filters must all match. */
export type SessionFilter =
  | { readonly _tag: "Ids"; readonly ids: ReadonlyArray<string> }
  | { readonly _tag: "UserId"; readonly userId: string }
  | { readonly _tag: "CreationDate"; readonly date: Date; readonly method: TimestampMethod }
  | { readonly _tag: "Creator"; readonly creator: string }
  | { readonly _tag: "UserAgentFingerprint"; readonly fingerprintId: string }
  | { readonly _tag: "ExpirationDate"; readonly date: Date; readonly method: TimestampMethod }

/**
 * Which sessions the caller may see: all of the instance (`session.read` on the instance), or
 * those it created, those of its own user, and those whose user belongs to one of `orgIds`.
 */
export type SessionVisibility =
  | { readonly _tag: "All" }
  | { readonly _tag: "Restricted"; readonly self: string; readonly orgIds: ReadonlyArray<string> }

export interface SearchSessionsRequest extends Pagination {
  /** Only the creation date can be sorted on (SESSION_FIELD_NAME_CREATION_DATE); the default. */
  readonly sortingColumn?: "creationDate" | undefined
  readonly filters?: ReadonlyArray<SessionFilter> | undefined
  readonly visibility?: SessionVisibility | undefined
}

interface SessionRow {
  readonly id: string
  readonly creation_date: unknown
  readonly change_date: unknown
  readonly sequence: unknown
  readonly state: unknown
  readonly resource_owner: string
  readonly creator: string
  readonly user_id: string | null
  readonly user_resource_owner: string | null
  readonly user_checked_at: unknown
  readonly login_name: string | null
  readonly display_name: string | null
  readonly password_checked_at: unknown
  readonly token_hash: string | null
  readonly metadata: unknown
  readonly user_agent_fingerprint_id: string | null
  readonly user_agent_ip: string | null
  readonly user_agent_description: string | null
  readonly user_agent_header: unknown
  readonly expiration: unknown
}

const columns = `s.id, s.creation_date, s.change_date, s.sequence, s.state, s.resource_owner,
  s.creator, s.user_id, s.user_resource_owner, s.user_checked_at, u.user_name AS login_name,
  u.display_name, s.password_checked_at, s.token_hash, s.metadata, s.user_agent_fingerprint_id,
  s.user_agent_ip, s.user_agent_description, s.user_agent_header, s.expiration`

const from = `projections.sessions s LEFT JOIN projections.users2 u
  ON u.instance_id = s.instance_id AND u.id = s.user_id`

const json = (value: unknown): unknown =>
  typeof value === "string" ? JSON.parse(value) : value

const optionalDate = (value: unknown): Date | undefined =>
  value === null || value === undefined ? undefined : toDate(value)

const toView = (row: SessionRow): SessionView => {
  const checkedAt = optionalDate(row.user_checked_at)
  const header = json(row.user_agent_header) as Record<string, ReadonlyArray<string>> | null
  return {
    id: row.id,
    creationDate: toDate(row.creation_date),
    changeDate: toDate(row.change_date),
    sequence: toNumber(row.sequence),
    state: toNumber(row.state),
    resourceOwner: row.resource_owner,
    creator: row.creator,
    ...(row.user_id === null || row.user_id === "" || checkedAt === undefined ? {} : {
      user: {
        id: row.user_id,
        resourceOwner: row.user_resource_owner ?? "",
        checkedAt,
        loginName: row.login_name ?? "",
        displayName: row.display_name ?? ""
      }
    }),
    passwordCheckedAt: optionalDate(row.password_checked_at),
    metadata: (json(row.metadata) ?? {}) as Record<string, string>,
    userAgent: {
      fingerprintId: row.user_agent_fingerprint_id ?? undefined,
      ip: row.user_agent_ip ?? undefined,
      description: row.user_agent_description ?? undefined,
      header: header ?? undefined
    },
    expiration: optionalDate(row.expiration),
    tokenHash: row.token_hash ?? ""
  }
}

/** The session with this id in the instance, unless it does not exist or was terminated. */
export const getSession = (
  instanceId: string,
  id: string
): Effect.Effect<Option.Option<SessionView>, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<SessionRow>`
      SELECT ${sql.literal(columns)}
      FROM ${sql.literal(from)}
      WHERE s.instance_id = ${instanceId} AND s.id = ${id}
    `
    return Option.map(Arr.head(rows), toView)
  })

const comparison = (
  sql: Statement.Constructor,
  column: string,
  method: TimestampMethod,
  date: Date
): Statement.Fragment | undefined => {
  const col = sql(column)
  switch (method) {
    case "equals":
      return sql`${col} = ${date}`
    case "greater":
      return sql`${col} > ${date}`
    case "greaterOrEquals":
      return sql`${col} >= ${date}`
    case "less":
      return sql`${col} < ${date}`
    case "lessOrEquals":
      return sql`${col} <= ${date}`
    default:
      return undefined
  }
}

const filterCondition = (
  sql: Statement.Constructor,
  filter: SessionFilter
): Effect.Effect<Statement.Fragment, DomainError> => {
  switch (filter._tag) {
    case "Ids":
      return Effect.succeed(
        filter.ids.length === 0 ? sql.literal("FALSE") : sql.in("s.id", filter.ids)
      )
    case "UserId":
      return Effect.succeed(sql`s.user_id = ${filter.userId}`)
    case "Creator":
      return Effect.succeed(sql`s.creator = ${filter.creator}`)
    case "UserAgentFingerprint":
      return Effect.succeed(sql`s.user_agent_fingerprint_id = ${filter.fingerprintId}`)
    case "CreationDate": {
      const condition = comparison(sql, "s.creation_date", filter.method, filter.date)
      return condition === undefined
        ? Effect.fail(invalidQuery(`unknown timestamp method ${String(filter.method)}`))
        : Effect.succeed(condition)
    }
    case "ExpirationDate": {
      const condition = comparison(sql, "s.expiration", filter.method, filter.date)
      if (condition === undefined) {
        return Effect.fail(invalidQuery(`unknown timestamp method ${String(filter.method)}`))
      }
      // "after" also finds sessions that never expire, as in ZITADEL
      return Effect.succeed(
        filter.method === "greater" || filter.method === "greaterOrEquals"
          ? sql.or([condition, sql`s.expiration IS NULL`])
          : condition
      )
    }
    default:
      return Effect.fail(invalidQuery("unknown session filter"))
  }
}

const visibilityCondition = (sql: Statement.Constructor, visibility: SessionVisibility) => {
  if (visibility._tag === "All") return sql.literal("TRUE")
  const own = [sql`s.creator = ${visibility.self}`, sql`s.user_id = ${visibility.self}`]
  return visibility.orgIds.length === 0
    ? sql.or(own)
    : sql.or([...own, sql.in("s.user_resource_owner", visibility.orgIds)])
}

/**
 * One page of the instance's sessions that match every filter and that the caller may see, with
 * the total count of such sessions. Fails with InvalidArgument on a limit above the maximum, a
 * bad offset, or an unknown filter, method or sorting column.
 */
export const searchSessions = (
  instanceId: string,
  request: SearchSessionsRequest
): Effect.Effect<Page<SessionView>, DomainError | SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { asc, limit, offset } = yield* resolvePagination(request)
    if ((request.sortingColumn ?? "creationDate") !== "creationDate") {
      return yield* invalidQuery(`unknown sorting column ${String(request.sortingColumn)}`)
    }
    const conditions = yield* Effect.forEach(
      request.filters ?? [],
      (filter) => filterCondition(sql, filter)
    )
    const where = sql.and([
      sql`s.instance_id = ${instanceId}`,
      visibilityCondition(sql, request.visibility ?? { _tag: "All" }),
      ...conditions
    ])
    return yield* selectPage(sql, {
      columns,
      from: sql.literal(from),
      where,
      order: orderBy(sql, "s.creation_date", "s.id", asc),
      pagination: { limit, offset }
    }, toView)
  })
