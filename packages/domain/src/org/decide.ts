import { Either } from "effect"
import {
  alreadyExists,
  type DomainError,
  invalidArgument,
  notFound,
  preconditionFailed
} from "../kernel/errors.js"
import { type OrgEvent, orgExists, type OrgState } from "../identity/org.js"
import { Role } from "../identity/permissions.js"

/**
 * Decisions of the org aggregate, after ZITADEL's `command/org.go` and `command/org_member.go`:
 * the same checks in the same order, with the same error ids and message keys.
 */

/** `AddOrganizationRequest.name`: `min_len: 1, max_len: 200` in the org v2 proto. */
export const maxOrgNameLength = 200

/**
 * The org roles of ZITADEL's default `InternalAuthZ` mapping (every role named `ORG_…`). A
 * member's roles must all be among them, or all be `SELF_MANAGEMENT_GLOBAL`.
 */
export const orgRoles: ReadonlySet<string> = new Set([
  Role.OrgOwner,
  "ORG_USER_MANAGER",
  "ORG_OWNER_VIEWER",
  "ORG_SETTINGS_MANAGER",
  "ORG_USER_PERMISSION_EDITOR",
  "ORG_PROJECT_PERMISSION_EDITOR",
  "ORG_PROJECT_CREATOR",
  "ORG_ADMIN_IMPERSONATOR",
  "ORG_END_USER_IMPERSONATOR",
  "ORG_USER_SELF_MANAGER"
])

export const selfManagementGlobal = "SELF_MANAGEMENT_GLOBAL"

/** ZITADEL's default: an admin given without roles becomes ORG_OWNER. */
export const adminRoles = (roles: ReadonlyArray<string>): ReadonlyArray<string> =>
  roles.length > 0 ? roles : [Role.OrgOwner]

const validRoles = (roles: ReadonlyArray<string>): boolean =>
  roles.every((role) => orgRoles.has(role)) || roles.every((role) => role === selfManagementGlobal)

type Decision = Either.Either<ReadonlyArray<OrgEvent>, DomainError>

// Org ----------------------------------------------------------------------------------------

export interface OrgAdmin {
  readonly userId: string
  /** Empty means ORG_OWNER. */
  readonly roles: ReadonlyArray<string>
}

export interface AddOrgInput {
  readonly name: string
  readonly admins: ReadonlyArray<OrgAdmin>
}

/** What the decision needs to know of other aggregates: which admin users exist. */
export interface AddOrgContext {
  readonly existingUsers: ReadonlySet<string>
}

const invalidName = () => Either.left(invalidArgument("ORG-mruNY", "Errors.Invalid.Argument"))

/** Checks of AddOrganization that need no state: the name, and each admin's id and roles. */
export const validateAddOrg = (input: AddOrgInput): Either.Either<void, DomainError> => {
  const name = input.name.trim()
  if (name === "" || [...name].length > maxOrgNameLength) return invalidName()
  for (const admin of input.admins) {
    if (admin.userId === "") {
      return Either.left(invalidArgument("ORG-4Mlfs", "Errors.Invalid.Argument"))
    }
    if (!validRoles(adminRoles(admin.roles))) {
      return Either.left(invalidArgument("Org-4N8es", "Errors.Org.MemberInvalid"))
    }
  }
  return Either.void
}

/**
 * `org.added` with the trimmed name, then one `org.member.added` per admin. An id that is
 * already taken is refused (ZITADEL's `Errors.Org.AlreadyExisting`); a name that is taken fails
 * the append on the `org_name` constraint.
 */
export const addOrg = (state: OrgState, input: AddOrgInput, context: AddOrgContext): Decision =>
  Either.flatMap(validateAddOrg(input), (): Decision => {
    if (state.status !== "unspecified") {
      return Either.left(alreadyExists("ORG-lapo2m", "Errors.Org.AlreadyExisting"))
    }
    const events: Array<OrgEvent> = [{ _tag: "OrgAdded", name: input.name.trim() }]
    const members = new Set<string>()
    for (const admin of input.admins) {
      if (!context.existingUsers.has(admin.userId)) {
        return Either.left(preconditionFailed("ORG-GoXOn", "Errors.User.NotFound"))
      }
      if (members.has(admin.userId)) {
        return Either.left(alreadyExists("ORG-poWwe", "Errors.Org.Member.AlreadyExists"))
      }
      members.add(admin.userId)
      events.push({ _tag: "OrgMemberAdded", userId: admin.userId, roles: adminRoles(admin.roles) })
    }
    return Either.right(events)
  })

export interface ChangeOrgInput {
  readonly id: string
  readonly name: string
}

export const validateChangeOrg = (input: ChangeOrgInput): Either.Either<void, DomainError> => {
  const name = input.name.trim()
  return input.id === "" || name === "" || [...name].length > maxOrgNameLength
    ? Either.left(invalidArgument("EVENT-Mf9sd", "Errors.Org.Invalid"))
    : Either.void
}

/** `org.changed` with the new name; the same name again is refused as ZITADEL refuses it. */
export const changeOrg = (state: OrgState, input: ChangeOrgInput): Decision =>
  Either.flatMap(validateChangeOrg(input), (): Decision => {
    const name = input.name.trim()
    if (!orgExists(state)) return Either.left(notFound("ORG-1MRds", "Errors.Org.NotFound"))
    if (state.name === name) {
      return Either.left(preconditionFailed("ORG-4VSdf", "Errors.Org.NotChanged"))
    }
    return Either.right([{ _tag: "OrgChanged", name }])
  })

export const deactivateOrg = (state: OrgState): Decision => {
  if (!orgExists(state)) return Either.left(notFound("ORG-oL9nT", "Errors.Org.NotFound"))
  if (state.status === "inactive") {
    return Either.left(preconditionFailed("EVENT-Dbs2g", "Errors.Org.AlreadyDeactivated"))
  }
  return Either.right([{ _tag: "OrgDeactivated" }])
}

export const reactivateOrg = (state: OrgState): Decision => {
  if (!orgExists(state)) return Either.left(notFound("ORG-Dgf3g", "Errors.Org.NotFound"))
  if (state.status === "active") {
    return Either.left(preconditionFailed("EVENT-bfnrh", "Errors.Org.AlreadyActive"))
  }
  return Either.right([{ _tag: "OrgReactivated" }])
}

export interface RemoveOrgInput {
  readonly id: string
  /** The instance's default org, which can never be removed. */
  readonly defaultOrgId: string | undefined
}

/** `org.removed`, which frees the name; the default org is refused before anything is read. */
export const removeOrg = (state: OrgState, input: RemoveOrgInput): Decision => {
  if (input.id === input.defaultOrgId) {
    return Either.left(preconditionFailed("COMMA-wG9p1", "Errors.Org.DefaultOrgNotDeletable"))
  }
  if (!orgExists(state)) return Either.left(notFound("COMMA-aps2n", "Errors.Org.NotFound"))
  return Either.right([{ _tag: "OrgRemoved" }])
}

// Members ------------------------------------------------------------------------------------

export interface AddOrgMemberInput {
  readonly userId: string
  readonly roles: ReadonlyArray<string>
  /** Whether the user exists (added and not removed). */
  readonly userExists: boolean
}

export const addOrgMember = (state: OrgState, input: AddOrgMemberInput): Decision => {
  if (input.userId === "" || input.roles.length === 0) {
    return Either.left(invalidArgument("ORG-4Mlfs", "Errors.Invalid.Argument"))
  }
  if (!validRoles(input.roles)) {
    return Either.left(invalidArgument("Org-4N8es", "Errors.Org.MemberInvalid"))
  }
  if (!orgExists(state)) {
    return Either.left(preconditionFailed("COMMAND-QXPGs", "Errors.Org.NotFound"))
  }
  if (!input.userExists) {
    return Either.left(preconditionFailed("ORG-GoXOn", "Errors.User.NotFound"))
  }
  if (state.members.has(input.userId)) {
    return Either.left(alreadyExists("ORG-poWwe", "Errors.Org.Member.AlreadyExists"))
  }
  return Either.right([{ _tag: "OrgMemberAdded", userId: input.userId, roles: input.roles }])
}

export interface ChangeOrgMemberInput {
  readonly userId: string
  readonly roles: ReadonlyArray<string>
}

const sameRoles = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.length === b.length && a.every((role, index) => role === b[index])

/** `org.member.changed`; the same roles again write nothing. */
export const changeOrgMember = (state: OrgState, input: ChangeOrgMemberInput): Decision => {
  if (input.userId === "" || input.roles.length === 0) {
    return Either.left(invalidArgument("Org-LiaZi", "Errors.Org.MemberInvalid"))
  }
  if (!input.roles.every((role) => orgRoles.has(role))) {
    return Either.left(invalidArgument("IAM-m9fG8", "Errors.Org.MemberInvalid"))
  }
  const current = state.members.get(input.userId)
  if (current === undefined) return Either.left(notFound("Org-D8JxR", "Errors.NotFound"))
  if (sameRoles(current, input.roles)) return Either.right([])
  return Either.right([{ _tag: "OrgMemberChanged", userId: input.userId, roles: input.roles }])
}

/** `org.member.removed`; removing someone who is no member writes nothing. */
export const removeOrgMember = (state: OrgState, input: { readonly userId: string }): Decision => {
  if (input.userId === "") {
    return Either.left(invalidArgument("Org-LiaZi", "Errors.Org.MemberInvalid"))
  }
  return state.members.has(input.userId)
    ? Either.right([{ _tag: "OrgMemberRemoved", userId: input.userId }])
    : Either.right([])
}
