import { Effect } from "effect"
import { type DomainError, permissionDenied } from "../kernel/errors.js"

/**
 * Instance roles and the permissions they grant, as in ZITADEL's default `InternalAuthZ`
 * role-permission mapping. Unknown roles grant nothing.
 */

export const Role = {
  IamOwner: "IAM_OWNER",
  IamOwnerViewer: "IAM_OWNER_VIEWER",
  OrgOwner: "ORG_OWNER"
} as const

const iamOwner: ReadonlyArray<string> = [
  "iam.read", "iam.write",
  "iam.policy.read", "iam.policy.write", "iam.policy.delete",
  "iam.member.read", "iam.member.write", "iam.member.delete",
  "iam.idp.read", "iam.idp.write", "iam.idp.delete",
  "iam.action.read", "iam.action.write", "iam.action.delete",
  "iam.flow.read", "iam.flow.write", "iam.flow.delete",
  "iam.feature.read", "iam.feature.write", "iam.feature.delete",
  "iam.restrictions.read", "iam.restrictions.write",
  "iam.web_key.write", "iam.web_key.delete", "iam.web_key.read",
  "iam.debug.write", "iam.debug.read",
  "org.read", "org.global.read", "org.create", "org.write", "org.delete",
  "org.member.read", "org.member.write", "org.member.delete",
  "org.idp.read", "org.idp.write", "org.idp.delete",
  "org.action.read", "org.action.write", "org.action.delete",
  "org.flow.read", "org.flow.write", "org.flow.delete",
  "org.feature.read", "org.feature.write", "org.feature.delete",
  "user.read", "user.global.read", "user.write", "user.delete",
  "user.grant.read", "user.grant.write", "user.grant.delete",
  "user.membership.read", "user.credential.write", "user.passkey.write",
  "user.feature.read", "user.feature.write", "user.feature.delete",
  "policy.read", "policy.write", "policy.delete",
  "project.read", "project.create", "project.write", "project.delete",
  "project.member.read", "project.member.write", "project.member.delete",
  "project.role.read", "project.role.write", "project.role.delete",
  "project.app.read", "project.app.write", "project.app.delete",
  "project.grant.read", "project.grant.write", "project.grant.delete",
  "project.grant.member.read", "project.grant.member.write", "project.grant.member.delete",
  "events.read", "milestones.read",
  "session.read", "session.write", "session.delete",
  "action.target.read", "action.target.write", "action.target.delete",
  "action.execution.read", "action.execution.write",
  "userschema.read", "userschema.write", "userschema.delete"
]

const iamOwnerViewer: ReadonlyArray<string> = [
  "iam.read", "iam.policy.read", "iam.member.read", "iam.idp.read", "iam.action.read",
  "iam.flow.read", "iam.restrictions.read", "iam.feature.read", "iam.web_key.read",
  "iam.debug.read",
  "org.read", "org.member.read", "org.idp.read", "org.action.read", "org.flow.read",
  "org.feature.read",
  "user.read", "user.global.read", "user.grant.read", "user.membership.read",
  "user.feature.read",
  "policy.read",
  "project.read", "project.member.read", "project.role.read", "project.app.read",
  "project.grant.read", "project.grant.member.read",
  "events.read", "milestones.read",
  "action.target.read", "action.execution.read",
  "userschema.read", "session.read"
]

/** ORG_OWNER: granted per org, by an `org.member.added` of that org. */
const orgOwner: ReadonlyArray<string> = [
  "org.read", "org.global.read", "org.write", "org.delete",
  "org.member.read", "org.member.write", "org.member.delete",
  "org.idp.read", "org.idp.write", "org.idp.delete",
  "org.action.read", "org.action.write", "org.action.delete",
  "org.flow.read", "org.flow.write", "org.flow.delete",
  "org.feature.read", "org.feature.write", "org.feature.delete",
  "user.read", "user.global.read", "user.write", "user.delete",
  "user.grant.read", "user.grant.write", "user.grant.delete",
  "user.membership.read", "user.credential.write", "user.passkey.write",
  "user.feature.read", "user.feature.write", "user.feature.delete",
  "policy.read", "policy.write", "policy.delete",
  "project.read", "project.create", "project.write", "project.delete",
  "project.member.read", "project.member.write", "project.member.delete",
  "project.role.read", "project.role.write", "project.role.delete",
  "project.app.read", "project.app.write",
  "project.grant.read", "project.grant.write", "project.grant.delete",
  "project.grant.member.read", "project.grant.member.write", "project.grant.member.delete",
  "session.read", "session.delete"
]

export const rolePermissions: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [Role.IamOwner, new Set(iamOwner)],
  [Role.IamOwnerViewer, new Set(iamOwnerViewer)],
  [Role.OrgOwner, new Set(orgOwner)]
])

/** The union of the permissions the roles grant. */
export const permissionsOf = (roles: Iterable<string>): ReadonlySet<string> => {
  const permissions = new Set<string>()
  for (const role of roles) {
    for (const permission of rolePermissions.get(role) ?? []) permissions.add(permission)
  }
  return permissions
}

/** Who a request acts for, once its bearer token is verified. */
export interface Principal {
  readonly instanceId: string
  readonly userId: string
  /** The user's resource owner. */
  readonly orgId: string
  /** Instance-wide permissions, from the user's instance roles; they cover every org. */
  readonly permissions: ReadonlySet<string>
  /** Permissions per org id, from the user's roles in those orgs (e.g. ORG_OWNER). */
  readonly orgPermissions: ReadonlyMap<string, ReadonlySet<string>>
}

/** ZITADEL's refusal when a caller lacks a permission (`AUTHZ-HKJD33`). */
export const missingPermission = (permission: string): DomainError =>
  permissionDenied("AUTHZ-HKJD33", "Errors.PermissionDenied", `missing ${permission}`)

/** Succeeds when the principal holds the permission; fails with PermissionDenied otherwise. */
export const requirePermission = (
  principal: Principal,
  permission: string
): Effect.Effect<void, DomainError> =>
  principal.permissions.has(permission)
    ? Effect.void
    : Effect.fail(missingPermission(permission))

/**
 * Succeeds when the principal holds the permission on the whole instance or in the org that owns
 * the resource; fails with PermissionDenied otherwise. Use it for every org-owned resource.
 */
export const requirePermissionIn = (
  principal: Principal,
  resourceOwner: string,
  permission: string
): Effect.Effect<void, DomainError> =>
  principal.permissions.has(permission) ||
    principal.orgPermissions.get(resourceOwner)?.has(permission) === true
    ? Effect.void
    : Effect.fail(missingPermission(permission))
