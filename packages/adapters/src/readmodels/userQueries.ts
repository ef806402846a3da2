/**
 * Queries over the users read model (GetUserByID and ListUsers of ZITADEL's user service v2).
 * Every query is scoped to one instance and reads only `projections.users2`.
 */
import type { DomainError } from "@citadel/domain"
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

/** A user as the read side shows it; hashes and secrets never appear. */
export interface UserView {
  readonly id: string
  readonly resourceOwner: string
  readonly creationDate: Date
  readonly changeDate: Date
  readonly sequence: number
  /** ZITADEL's `domain.UserState`: 1 active, 2 inactive, 4 locked. */
  readonly state: number
  /** 1 human, 2 machine. */
  readonly type: number
  readonly userName: string
  readonly human?: {
    readonly firstName: string
    readonly lastName: string
    readonly nickName: string
    readonly displayName: string
    readonly preferredLanguage: string
    readonly gender: number
    readonly email: string
    readonly isEmailVerified: boolean
    readonly phone: string
    readonly isPhoneVerified: boolean
    readonly passwordSet: boolean
    readonly passwordChangeRequired: boolean
    readonly passwordChanged: Date | undefined
  }
  readonly machine?: {
    readonly name: string
    readonly description: string
    readonly accessTokenType: number
    readonly hasSecret: boolean
  }
}

type TextColumnFilter<Tag extends string> = {
  readonly _tag: Tag
  readonly value: string
  readonly method: TextFilterMethod
}

/** ListUsers filters (`SearchQuery`); several filters must all match. */
export type UserFilter =
  | TextColumnFilter<"UserName">
  | TextColumnFilter<"FirstName">
  | TextColumnFilter<"LastName">
  | TextColumnFilter<"NickName">
  | TextColumnFilter<"DisplayName">
  | TextColumnFilter<"Email">
  | TextColumnFilter<"Phone">
  | { readonly _tag: "State"; readonly state: number }
  | { readonly _tag: "Type"; readonly type: number }
  | { readonly _tag: "Organization"; readonly orgId: string }
  | { readonly _tag: "InUserIds"; readonly ids: ReadonlyArray<string> }

/**
 * Sorting columns of `UserFieldName`: index `i` is proto value `i + 1` (USER_NAME = 1 …
 * CREATION_DATE = 9); UNSPECIFIED means the default, the creation date.
 */
export const userSortingColumns = [
  "userName",
  "firstName",
  "lastName",
  "nickName",
  "displayName",
  "email",
  "state",
  "type",
  "creationDate"
] as const

export type UserSortingColumn = typeof userSortingColumns[number]

const sortColumn: Record<UserSortingColumn, string> = {
  userName: "user_name",
  firstName: "first_name",
  lastName: "last_name",
  nickName: "nick_name",
  displayName: "display_name",
  email: "email",
  state: "state",
  type: "type",
  creationDate: "creation_date"
}

const textColumn = {
  UserName: "user_name",
  FirstName: "first_name",
  LastName: "last_name",
  NickName: "nick_name",
  DisplayName: "display_name",
  Email: "email",
  Phone: "phone"
} as const

/**
 * Which users the caller may see: all of the instance, or only those of some orgs plus the
 * caller itself.
 */
export type UserVisibility =
  | { readonly _tag: "All" }
  | { readonly _tag: "Restricted"; readonly orgIds: ReadonlyArray<string>; readonly self: string }

export interface SearchUsersRequest extends Pagination {
  readonly sortingColumn?: UserSortingColumn | undefined
  readonly filters?: ReadonlyArray<UserFilter> | undefined
  /** Defaults to all users of the instance. */
  readonly visibility?: UserVisibility | undefined
}

interface UserRow {
  readonly id: string
  readonly resource_owner: string
  readonly creation_date: unknown
  readonly change_date: unknown
  readonly sequence: unknown
  readonly state: unknown
  readonly type: unknown
  readonly user_name: string
  readonly first_name: string
  readonly last_name: string
  readonly nick_name: string
  readonly display_name: string
  readonly preferred_language: string
  readonly gender: unknown
  readonly email: string
  readonly is_email_verified: boolean
  readonly phone: string
  readonly is_phone_verified: boolean
  readonly password_set: boolean
  readonly password_change_required: boolean
  readonly password_changed: unknown
  readonly machine_name: string
  readonly description: string
  readonly access_token_type: unknown
  readonly has_secret: boolean
}

const columns = `id, resource_owner, creation_date, change_date, sequence, state, type, user_name,
  first_name, last_name, nick_name, display_name, preferred_language, gender, email,
  is_email_verified, phone, is_phone_verified, password_set, password_change_required,
  password_changed, machine_name, description, access_token_type, has_secret`

const toView = (row: UserRow): UserView => {
  const type = toNumber(row.type)
  const common = {
    id: row.id,
    resourceOwner: row.resource_owner,
    creationDate: toDate(row.creation_date),
    changeDate: toDate(row.change_date),
    sequence: toNumber(row.sequence),
    state: toNumber(row.state),
    type,
    userName: row.user_name
  }
  return type === 1
    ? {
      ...common,
      human: {
        firstName: row.first_name,
        lastName: row.last_name,
        nickName: row.nick_name,
        displayName: row.display_name,
        preferredLanguage: row.preferred_language,
        gender: toNumber(row.gender),
        email: row.email,
        isEmailVerified: row.is_email_verified,
        phone: row.phone,
        isPhoneVerified: row.is_phone_verified,
        passwordSet: row.password_set,
        passwordChangeRequired: row.password_change_required,
        passwordChanged: row.password_changed === null ? undefined : toDate(row.password_changed)
      }
    }
    : {
      ...common,
      machine: {
        name: row.machine_name,
        description: row.description,
        accessTokenType: toNumber(row.access_token_type),
        hasSecret: row.has_secret
      }
    }
}

/** The user with this id in the instance, if it exists (removed users do not). */
export const getUser = (
  instanceId: string,
  id: string
): Effect.Effect<Option.Option<UserView>, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<UserRow>`
      SELECT ${sql.literal(columns)}
      FROM projections.users2
      WHERE instance_id = ${instanceId} AND id = ${id}
    `
    return Option.map(Arr.head(rows), toView)
  })

const filterCondition = (
  sql: Statement.Constructor,
  filter: UserFilter
): Effect.Effect<Statement.Fragment, DomainError> => {
  switch (filter._tag) {
    case "UserName":
    case "FirstName":
    case "LastName":
    case "NickName":
    case "DisplayName":
    case "Email":
    case "Phone": {
      return textFilter(sql, textColumn[filter._tag], filter.method, filter.value)
    }
    case "State":
      return Effect.succeed(sql`state = ${filter.state}`)
    case "Type":
      return Effect.succeed(sql`type = ${filter.type}`)
    case "Organization":
      return Effect.succeed(sql`resource_owner = ${filter.orgId}`)
    case "InUserIds":
      return Effect.succeed(inIds(sql, "id", filter.ids))
    default:
      return Effect.fail(invalidQuery("unknown user filter"))
  }
}

const visibilityCondition = (sql: Statement.Constructor, visibility: UserVisibility) =>
  visibility._tag === "All"
    ? sql.literal("TRUE")
    : visibility.orgIds.length === 0
    ? sql`id = ${visibility.self}`
    : sql.or([sql.in("resource_owner", visibility.orgIds), sql`id = ${visibility.self}`])

/**
 * One page of the instance's users that match every filter and that the caller may see, with
 * the total count of such users. Fails with InvalidArgument on a limit above the maximum, a bad
 * offset, or an unknown filter or sorting column.
 */
export const searchUsers = (
  instanceId: string,
  request: SearchUsersRequest
): Effect.Effect<Page<UserView>, DomainError | SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { asc, column, conditions, limit, offset } = yield* resolveSearch(
      sql,
      request,
      sortColumn,
      "creationDate",
      filterCondition
    )
    const where = sql.and([
      sql`instance_id = ${instanceId}`,
      visibilityCondition(sql, request.visibility ?? { _tag: "All" }),
      ...conditions
    ])
    return yield* selectPage(sql, {
      columns,
      from: sql.literal("projections.users2"),
      where,
      order: orderBy(sql, column, "id", asc),
      pagination: { limit, offset }
    }, toView)
  })
