import { HttpApiBuilder } from "@effect/platform"
import { ReadModels } from "@citadel/adapters"
import {
  Crypto,
  type DomainError,
  Identity,
  invalidArgument,
  notFound,
  permissionDenied,
  Session
} from "@citadel/domain"
import { Effect, Option, Redacted } from "effect"
import { isIP } from "node:net"
import { timingSafeEqual } from "node:crypto"
import { CitadelApi } from "../api/Api.js"
import type * as Api from "../api/sessions.js"
import { LockoutPolicy } from "../lockout.js"
import {
  authenticated,
  caller,
  details,
  settled,
  type Type,
  visibility
} from "./common.js"

const permission = Session.sessionPermission

const invalid = (detail: string) =>
  invalidArgument("SESSION-r3qst", "Errors.Invalid.Argument", detail)

const userNotFound = () => notFound("QUERY-Dfbg2", "Errors.User.NotFound")

/** The user check's target: by id, or by login name (the user name, case-insensitive). */
const checkedUserId = (
  principal: Identity.Principal,
  user: NonNullable<Type<typeof Api.Checks>["user"]>
) =>
  Effect.gen(function*() {
    if ((user.userId === undefined) === (user.loginName === undefined)) {
      return yield* Effect.fail(invalid("checks.user: exactly one of userId or loginName"))
    }
    if (user.userId !== undefined) return user.userId
    const page = yield* ReadModels.searchUsers(principal.instanceId, {
      filters: [{ _tag: "UserName", value: user.loginName!, method: "equalsIgnoreCase" }],
      limit: 2
    })
    const [found] = page.result
    if (found === undefined || page.result.length > 1) return yield* Effect.fail(userNotFound())
    return found.id
  })

const unsupported = ["webAuthN", "idpIntent", "totp", "otpSms", "otpEmail", "recoveryCode"] as const

/** The checks, metadata and lifetime of a create or set request as the use case's input. */
const checksOf = (
  principal: Identity.Principal,
  request: {
    readonly checks?: Type<typeof Api.Checks> | undefined
    readonly metadata?: Readonly<Record<string, string>> | undefined
    readonly challenges?: unknown
    readonly lifetime?: bigint | undefined
  }
) =>
  Effect.gen(function*() {
    const checks = request.checks ?? {}
    for (const name of unsupported) {
      if (checks[name] !== undefined) {
        return yield* Effect.fail(invalid(`checks.${name} is not supported`))
      }
    }
    if (request.challenges !== undefined) {
      return yield* Effect.fail(invalid("challenges are not supported"))
    }
    const userId = checks.user === undefined
      ? undefined
      : yield* checkedUserId(principal, checks.user)
    const { maxPasswordAttempts } = yield* LockoutPolicy
    const metadata = request.metadata === undefined ? undefined : Object.fromEntries(
      Object.entries(request.metadata).map(([key, value]) => [
        key,
        Buffer.from(value, "base64").toString("base64")
      ])
    )
    return {
      userId,
      password: checks.password === undefined ? undefined : Redacted.make(checks.password.password),
      metadata,
      lifetime: request.lifetime === undefined ? undefined : Number(request.lifetime),
      maxPasswordAttempts
    } satisfies Session.SessionChecks
  })

/** The user agent as `session.added` stores it; an unreadable IP is dropped, as ZITADEL does. */
const userAgentOf = (
  agent: Type<typeof Api.UserAgent> | undefined
): Session.UserAgent | undefined => {
  if (agent === undefined) return undefined
  const header = agent.header === undefined ? undefined : Object.fromEntries(
    Object.entries(agent.header).map(([name, { values }]) => [name, values ?? []])
  )
  return {
    ...(agent.fingerprintId === undefined ? {} : { fingerprint_id: agent.fingerprintId }),
    ...(agent.ip === undefined || isIP(agent.ip) === 0 ? {} : { ip: agent.ip }),
    ...(agent.description === undefined ? {} : { description: agent.description }),
    ...(header === undefined ? {} : { header })
  }
}

const credentialOf = (
  principal: Identity.Principal,
  token: string | undefined
): Session.SessionCredential =>
  token === undefined || token === ""
    ? Session.callerCredential(principal)
    : { _tag: "Token", token: Redacted.make(token) }

const toSession = (view: ReadModels.SessionView): Type<typeof Api.Session> => {
  const agent = view.userAgent
  const hasAgent = agent.fingerprintId !== undefined || agent.ip !== undefined ||
    agent.description !== undefined || agent.header !== undefined
  return {
    id: view.id,
    creationDate: view.creationDate,
    changeDate: view.changeDate,
    sequence: view.sequence,
    ...(view.user === undefined ? {} : {
      factors: {
        user: {
          verifiedAt: view.user.checkedAt,
          id: view.user.id,
          loginName: view.user.loginName,
          displayName: view.user.displayName,
          organizationId: view.user.resourceOwner
        },
        ...(view.passwordCheckedAt === undefined
          ? {}
          : { password: { verifiedAt: view.passwordCheckedAt } })
      }
    }),
    metadata: view.metadata,
    ...(!hasAgent ? {} : {
      userAgent: {
        ...(agent.fingerprintId === undefined ? {} : { fingerprintId: agent.fingerprintId }),
        ...(agent.ip === undefined ? {} : { ip: agent.ip }),
        ...(agent.description === undefined ? {} : { description: agent.description }),
        ...(agent.header === undefined ? {} : {
          header: Object.fromEntries(
            Object.entries(agent.header).map(([name, values]) => [name, { values }])
          )
        })
      }
    }),
    ...(view.expiration === undefined ? {} : { expirationDate: view.expiration })
  }
}

const sameDigest = (a: string, b: string): boolean => {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * GetSession's access rule, as ZITADEL's query side: the current token; else the caller created
 * the session or is its user; else `session.read` in the user's org (the instance when none).
 */
const mayRead = (
  principal: Identity.Principal,
  view: ReadModels.SessionView,
  token: string | undefined
) =>
  Effect.gen(function*() {
    if (token !== undefined && token !== "") {
      const crypto = yield* Crypto
      const digest = yield* crypto.digest(Redacted.make(token))
      if (view.tokenHash === "" || !sameDigest(digest, view.tokenHash)) {
        return yield* Effect.fail(permissionDenied("QUERY-dsfr3", "Errors.PermissionDenied"))
      }
      return
    }
    if (view.creator === principal.userId || view.user?.id === principal.userId) return
    if (view.user === undefined) {
      return yield* Identity.requirePermission(principal, permission.read)
    }
    yield* Identity.requirePermissionIn(principal, view.user.resourceOwner, permission.read)
  })

const timestampMethods: Record<Type<typeof Api.TimestampQueryMethod>, ReadModels.TimestampMethod> =
  {
    TIMESTAMP_QUERY_METHOD_EQUALS: "equals",
    TIMESTAMP_QUERY_METHOD_GREATER: "greater",
    TIMESTAMP_QUERY_METHOD_GREATER_OR_EQUALS: "greaterOrEquals",
    TIMESTAMP_QUERY_METHOD_LESS: "less",
    TIMESTAMP_QUERY_METHOD_LESS_OR_EQUALS: "lessOrEquals"
  }

const listQueryInvalid = (id: string, detail: string) =>
  invalidArgument(id, "List.Query.Invalid", detail)

/** Each search query is a oneof: exactly one of its fields must be set. */
const toFilter = (
  principal: Identity.Principal,
  query: Type<typeof Api.SearchQuery>,
  index: number
): Effect.Effect<ReadModels.SessionFilter, DomainError> => {
  const set = Object.entries(query).filter(([, value]) => value !== undefined)
  if (set.length !== 1) {
    return Effect.fail(listQueryInvalid("GRPC-Sfefs", `queries[${index}]: exactly one query`))
  }
  if (query.idsQuery) return Effect.succeed({ _tag: "Ids", ids: query.idsQuery.ids ?? [] })
  if (query.userIdQuery) {
    return Effect.succeed({ _tag: "UserId", userId: query.userIdQuery.id ?? "" })
  }
  if (query.creationDateQuery) {
    return Effect.succeed({
      _tag: "CreationDate",
      date: query.creationDateQuery.creationDate ?? new Date(0),
      method: timestampMethods[query.creationDateQuery.method ?? "TIMESTAMP_QUERY_METHOD_EQUALS"]
    })
  }
  if (query.expirationDateQuery) {
    return Effect.succeed({
      _tag: "ExpirationDate",
      date: query.expirationDateQuery.expirationDate ?? new Date(0),
      method: timestampMethods[query.expirationDateQuery.method ?? "TIMESTAMP_QUERY_METHOD_EQUALS"]
    })
  }
  if (query.creatorQuery) {
    // No id: the caller's own sessions; an empty id is refused.
    const id = query.creatorQuery.id
    if (id === undefined) return Effect.succeed({ _tag: "Creator", creator: principal.userId })
    return id === ""
      ? Effect.fail(listQueryInvalid("GRPC-x8n24uh", `queries[${index}]: empty creator id`))
      : Effect.succeed({ _tag: "Creator", creator: id })
  }
  // Citadel's tokens carry no user agent, so the fingerprint must be given.
  const fingerprintId = query.userAgentQuery?.fingerprintId
  return fingerprintId === undefined || fingerprintId === ""
    ? Effect.fail(listQueryInvalid("GRPC-x8n23uh", `queries[${index}]: fingerprintId required`))
    : Effect.succeed({ _tag: "UserAgentFingerprint", fingerprintId })
}

/** Instance-wide `session.read` sees every session; otherwise own ones and the orgs granting it. */
const visibilityOf = (principal: Identity.Principal): ReadModels.SessionVisibility =>
  visibility(principal, permission.read)

const sessionNotFound = () => notFound("QUERY-SFeaa", "Errors.Session.NotExisting")

export const SessionServiceLive = HttpApiBuilder.group(CitadelApi, "SessionService", (handlers) =>
  handlers
    .handle("CreateSession", ({ payload }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          yield* Identity.requirePermission(principal, permission.write)
          const checks = yield* checksOf(principal, payload)
          const created = yield* Session.createSession({
            ...caller(principal),
            ...checks,
            userAgent: userAgentOf(payload.userAgent)
          })
          yield* settled(created.details)
          return {
            details: details(created.details),
            sessionId: created.sessionId,
            sessionToken: created.sessionToken === undefined
              ? ""
              : Redacted.value(created.sessionToken)
          }
        })))
    .handle("SetSession", ({ path, payload }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          const checks = yield* checksOf(principal, payload)
          const set = yield* Session.setSession({
            ...caller(principal),
            ...checks,
            sessionId: path.sessionId,
            credential: credentialOf(principal, payload.sessionToken)
          })
          yield* settled(set.details)
          return {
            details: details(set.details),
            sessionToken: set.sessionToken === undefined ? "" : Redacted.value(set.sessionToken)
          }
        })))
    .handle("DeleteSession", ({ path, payload }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          const terminated = yield* Session.terminateSession({
            ...caller(principal),
            sessionId: path.sessionId,
            credential: credentialOf(principal, payload.sessionToken)
          })
          yield* settled(terminated)
          return { details: details(terminated) }
        })))
    .handle("GetSession", ({ path, urlParams }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          const found = yield* ReadModels.getSession(principal.instanceId, path.sessionId)
          if (Option.isNone(found)) return yield* Effect.fail(sessionNotFound())
          yield* mayRead(principal, found.value, urlParams.sessionToken ?? urlParams.session_token)
          return { session: toSession(found.value) }
        })))
    .handle("ListSessions", ({ payload }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          const filters = yield* Effect.forEach(
            payload.queries ?? [],
            (query, index) => toFilter(principal, query, index)
          )
          const page = yield* ReadModels.searchSessions(principal.instanceId, {
            ...payload.query,
            filters,
            visibility: visibilityOf(principal)
          })
          return {
            details: { totalResult: page.totalResult, timestamp: new Date() },
            sessions: page.result.map(toSession)
          }
        })))
)
