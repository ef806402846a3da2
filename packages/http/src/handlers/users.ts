import { HttpApiBuilder } from "@effect/platform"
import { ReadModels } from "@citadel/adapters"
import {
  type DomainError,
  Identity,
  invalidArgument,
  notFound,
  type ObjectDetails,
  User
} from "@citadel/domain"
import { Effect, Option, Redacted } from "effect"
import { CitadelApi } from "../api/Api.js"
import type * as Api from "../api/users.js"
import {
  authenticated,
  caller,
  details,
  type HandlerFailure,
  settled,
  textMethod,
  type Type,
  visibility
} from "./common.js"

/** Permissions of ZITADEL's user service, checked in the org that owns the user. */
const permission = {
  read: "user.read",
  write: "user.write",
  delete: "user.delete"
} as const

/**
 * Checks the permission in the org that owns the user. For a user that does not exist the
 * permission must be instance-wide: an org owner learns nothing about other orgs' ids.
 */
const onUser = (principal: Identity.Principal, userId: string, required: string) =>
  Effect.gen(function*() {
    const loaded = yield* User.loadUser(principal.instanceId, userId)
    const exists = loaded.state.status !== "unspecified" && loaded.state.status !== "removed"
    if (!exists || loaded.owner === undefined) {
      return yield* Identity.requirePermission(principal, required)
    }
    yield* Identity.requirePermissionIn(principal, loaded.owner, required)
  })

const genders = ["GENDER_UNSPECIFIED", "GENDER_FEMALE", "GENDER_MALE", "GENDER_DIVERSE"] as const
const states = [
  "USER_STATE_UNSPECIFIED",
  "USER_STATE_ACTIVE",
  "USER_STATE_INACTIVE",
  "USER_STATE_DELETED",
  "USER_STATE_LOCKED",
  "USER_STATE_INITIAL"
] as const

const invalid = (detail: string) => invalidArgument("USER-r3qst", "Errors.Invalid.Argument", detail)

type HumanFields = Pick<
  Type<typeof Api.AddHumanUserRequest>,
  "profile" | "email" | "phone" | "password" | "hashedPassword"
>

/** The human part of AddHumanUser and CreateUser as the use case's input. */
const humanInput = (human: HumanFields) => {
  const changeRequired = human.password?.changeRequired ?? human.hashedPassword?.changeRequired
  return {
    firstName: human.profile.givenName,
    lastName: human.profile.familyName,
    nickName: human.profile.nickName,
    displayName: human.profile.displayName,
    preferredLanguage: human.profile.preferredLanguage,
    gender: genders.indexOf(human.profile.gender ?? "GENDER_UNSPECIFIED"),
    email: human.email.email,
    isEmailVerified: human.email.isVerified,
    phone: human.phone?.phone,
    isPhoneVerified: human.phone?.isVerified,
    password: human.password === undefined ? undefined : Redacted.make(human.password.password),
    hashedPassword: human.hashedPassword?.hash,
    changeRequired
  }
}

const toUser = (view: ReadModels.UserView): Type<typeof Api.User> => ({
  userId: view.id,
  details: {
    sequence: view.sequence,
    changeDate: view.changeDate,
    resourceOwner: view.resourceOwner
  },
  state: states[view.state] ?? "USER_STATE_UNSPECIFIED",
  username: view.userName,
  // Citadel has no org domains yet, so the user name is the only login name.
  loginNames: [view.userName],
  preferredLoginName: view.userName,
  ...(view.human === undefined ? {} : {
    human: {
      profile: {
        givenName: view.human.firstName,
        familyName: view.human.lastName,
        nickName: view.human.nickName,
        displayName: view.human.displayName,
        preferredLanguage: view.human.preferredLanguage,
        gender: genders[view.human.gender] ?? "GENDER_UNSPECIFIED"
      },
      email: { email: view.human.email, isVerified: view.human.isEmailVerified },
      phone: { phone: view.human.phone, isVerified: view.human.isPhoneVerified },
      passwordChangeRequired: view.human.passwordChangeRequired,
      ...(view.human.passwordChanged === undefined
        ? {}
        : { passwordChanged: view.human.passwordChanged })
    }
  }),
  ...(view.machine === undefined ? {} : {
    machine: {
      name: view.machine.name,
      description: view.machine.description,
      hasSecret: view.machine.hasSecret,
      accessTokenType: view.machine.accessTokenType === 1
        ? "ACCESS_TOKEN_TYPE_JWT"
        : "ACCESS_TOKEN_TYPE_BEARER"
    }
  })
})

const fieldNames = [
  "USER_FIELD_NAME_UNSPECIFIED",
  "USER_FIELD_NAME_USER_NAME",
  "USER_FIELD_NAME_FIRST_NAME",
  "USER_FIELD_NAME_LAST_NAME",
  "USER_FIELD_NAME_NICK_NAME",
  "USER_FIELD_NAME_DISPLAY_NAME",
  "USER_FIELD_NAME_EMAIL",
  "USER_FIELD_NAME_STATE",
  "USER_FIELD_NAME_TYPE",
  "USER_FIELD_NAME_CREATION_DATE"
] as const

/** The text queries: query field, filter tag, and the field holding the text. */
const textQueries = [
  ["userNameQuery", "UserName", "userName"],
  ["firstNameQuery", "FirstName", "firstName"],
  ["lastNameQuery", "LastName", "lastName"],
  ["nickNameQuery", "NickName", "nickName"],
  ["displayNameQuery", "DisplayName", "displayName"],
  ["emailQuery", "Email", "emailAddress"],
  ["phoneQuery", "Phone", "number"]
] as const

type TextQuery = {
  readonly method?: Type<typeof Api.TextQueryMethod> | undefined
} & Readonly<Record<string, unknown>>

/** Each search query is a oneof: exactly one of its fields must be set. */
const toFilter = (
  query: Type<typeof Api.SearchQuery>,
  index: number
): Effect.Effect<ReadModels.UserFilter, DomainError> => {
  const set = Object.entries(query).filter(([, value]) => value !== undefined)
  if (set.length !== 1) {
    return Effect.fail(invalid(`queries[${index}]: exactly one query must be set`))
  }
  for (const [key, tag, field] of textQueries) {
    const text = query[key] as TextQuery | undefined
    if (text !== undefined) {
      return Effect.succeed({
        _tag: tag,
        value: String(text[field]),
        method: textMethod(text.method)
      })
    }
  }
  if (query.stateQuery) {
    return Effect.succeed({ _tag: "State", state: states.indexOf(query.stateQuery.state) })
  }
  if (query.typeQuery) {
    return query.typeQuery.type === "TYPE_UNSPECIFIED"
      ? Effect.fail(invalid(`queries[${index}]: type must be specified`))
      : Effect.succeed({ _tag: "Type", type: query.typeQuery.type === "TYPE_HUMAN" ? 1 : 2 })
  }
  if (query.inUserIdsQuery) {
    return Effect.succeed({ _tag: "InUserIds", ids: query.inUserIdsQuery.userIds })
  }
  return Effect.succeed({
    _tag: "Organization",
    orgId: query.organizationIdQuery!.organizationId
  })
}

/** Instance-wide `user.read` sees every user; otherwise the orgs granting it, and oneself. */
const visibilityOf = (principal: Identity.Principal): ReadModels.UserVisibility =>
  visibility(principal, permission.read)

const userNotFound = () => notFound("QUERY-Dfbg2", "Errors.User.NotFound")

export const UserServiceLive = HttpApiBuilder.group(CitadelApi, "UserService", (handlers) =>
  handlers
    .handle("AddHumanUser", ({ payload }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          const orgId = payload.organization?.orgId ?? principal.orgId
          yield* Identity.requirePermissionIn(principal, orgId, permission.write)
          const added = yield* User.addHumanUser({
            ...caller(principal),
            orgId,
            userId: payload.userId,
            userName: payload.username,
            ...humanInput(payload)
          })
          yield* settled(added.details)
          return { userId: added.userId, details: details(added.details) }
        })))
    .handle("CreateUser", ({ payload }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          yield* Identity.requirePermissionIn(principal, payload.organizationId, permission.write)
          if ((payload.human === undefined) === (payload.machine === undefined)) {
            return yield* Effect.fail(invalid("exactly one of human or machine must be set"))
          }
          const common = {
            ...caller(principal),
            orgId: payload.organizationId,
            userId: payload.userId
          }
          const added = payload.human !== undefined
            ? yield* User.addHumanUser({
              ...common,
              userName: payload.username,
              ...humanInput(payload.human)
            })
            : yield* User.addMachineUser({
              ...common,
              userName: payload.username ?? payload.machine!.name,
              name: payload.machine!.name,
              description: payload.machine!.description
            })
          yield* settled(added.details)
          return { id: added.userId, creationDate: added.details.changeDate }
        })))
    .handle("GetUserByID", ({ path }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          const found = yield* ReadModels.getUser(principal.instanceId, path.userId)
          if (Option.isNone(found)) return yield* Effect.fail(userNotFound())
          const user = found.value
          if (user.id !== principal.userId) {
            yield* Identity.requirePermissionIn(principal, user.resourceOwner, permission.read)
          }
          return { details: toUser(user).details, user: toUser(user) }
        })))
    .handle("ListUsers", ({ payload }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          const filters = yield* Effect.forEach(payload.queries ?? [], toFilter)
          const sorting = payload.sortingColumn ?? "USER_FIELD_NAME_UNSPECIFIED"
          const index = fieldNames.indexOf(sorting)
          const page = yield* ReadModels.searchUsers(principal.instanceId, {
            ...payload.query,
            sortingColumn: index <= 0 ? undefined : ReadModels.userSortingColumns[index - 1],
            filters,
            visibility: visibilityOf(principal)
          })
          return {
            details: { totalResult: page.totalResult, timestamp: new Date() },
            sortingColumn: sorting,
            result: page.result.map(toUser)
          }
        })))
    .handle("SetPassword", ({ path, payload }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          yield* onUser(principal, path.userId, permission.write)
          const changed = yield* User.setPassword({
            ...caller(principal),
            userId: path.userId,
            password: Redacted.make(payload.newPassword.password),
            changeRequired: payload.newPassword.changeRequired
          })
          yield* settled(changed)
          return { details: details(changed) }
        })))
    .handle("DeactivateUser", ({ path }) => stateChange(path.userId, User.deactivateUser))
    .handle("ReactivateUser", ({ path }) => stateChange(path.userId, User.reactivateUser))
    .handle("LockUser", ({ path }) => stateChange(path.userId, User.lockUser))
    .handle("UnlockUser", ({ path }) => stateChange(path.userId, User.unlockUser))
    .handle("DeleteUser", ({ path }) =>
      stateChange(path.userId, User.removeUser, permission.delete))
    .handle("AddPersonalAccessToken", ({ path, payload }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          yield* onUser(principal, path.userId, permission.write)
          const added = yield* User.addPersonalAccessToken({
            ...caller(principal),
            userId: path.userId,
            expiration: payload.expirationDate
          })
          yield* settled(added.details)
          return {
            creationDate: added.details.changeDate,
            tokenId: added.tokenId,
            token: Redacted.value(added.token)
          }
        })))
    .handle("RemovePersonalAccessToken", ({ path }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          yield* onUser(principal, path.userId, permission.write)
          const removed = yield* User.removePersonalAccessToken({
            ...caller(principal),
            userId: path.userId,
            tokenId: path.tokenId
          })
          yield* settled(removed)
          return { deletionDate: removed.changeDate }
        })))
    .handle("AddSecret", ({ path }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          yield* onUser(principal, path.userId, permission.write)
          const set = yield* User.setMachineSecret({ ...caller(principal), userId: path.userId })
          yield* settled(set.details)
          return {
            creationDate: set.details.changeDate,
            clientSecret: Redacted.value(set.clientSecret)
          }
        })))
    .handle("RemoveSecret", ({ path }) =>
      authenticated((principal) =>
        Effect.gen(function*() {
          yield* onUser(principal, path.userId, permission.write)
          const removed = yield* User.removeMachineSecret({
            ...caller(principal),
            userId: path.userId
          })
          yield* settled(removed)
          return { deletionDate: removed.changeDate }
        })))
)

/** Deactivate, reactivate, lock, unlock and delete: permission, command, wait, details. */
const stateChange = <R>(
  userId: string,
  command: (request: User.UserRequest) => Effect.Effect<ObjectDetails, HandlerFailure, R>,
  required: string = permission.write
) =>
  authenticated((principal) =>
    Effect.gen(function*() {
      yield* onUser(principal, userId, required)
      const changed = yield* command({ ...caller(principal), userId })
      yield* settled(changed)
      return { details: details(changed) }
    }))
