import { HttpApiBuilder } from "@effect/platform"
import { ReadModels } from "@citadel/adapters"
import { Clock, Identity, invalidArgument, loadAggregate, Org } from "@citadel/domain"
import { Effect } from "effect"
import { CitadelApi } from "../api/Api.js"
import type * as Api from "../api/orgs.js"
import {
  authenticated,
  orgsGranting,
  settled,
  textMethod,
  toPagination,
  type Type
} from "./common.js"

/**
 * Permissions as the org service's documentation names them. ZITADEL's org v2 rpcs are marked
 * `authenticated` and check the permission on the org itself, so an org owner may manage their
 * own org, and the instance's owners every org.
 */
const permission = {
  create: "org.create",
  read: "org.read",
  write: "org.write",
  remove: "org.delete"
} as const

const stateNames = [
  "ORGANIZATION_STATE_UNSPECIFIED",
  "ORGANIZATION_STATE_ACTIVE",
  "ORGANIZATION_STATE_INACTIVE",
  "ORGANIZATION_STATE_REMOVED"
] as const

const fieldNames = [
  "ORGANIZATION_FIELD_NAME_UNSPECIFIED",
  "ORGANIZATION_FIELD_NAME_NAME",
  "ORGANIZATION_FIELD_NAME_CREATION_DATE"
] as const

const invalidQuery = (detail: string) =>
  invalidArgument("QUERY-f1lt3r", "Errors.Query.InvalidRequest", detail)

const toOrganization = (view: ReadModels.OrgView): Type<typeof Api.Organization> => ({
  id: view.id,
  details: {
    sequence: view.sequence,
    changeDate: view.changeDate,
    resourceOwner: view.resourceOwner,
    creationDate: view.creationDate
  },
  state: stateNames[view.state] ?? "ORGANIZATION_STATE_UNSPECIFIED",
  name: view.name,
  primaryDomain: view.primaryDomain
})

const defaultOrgId = (instanceId: string) =>
  Effect.map(
    loadAggregate(Identity.instanceAggregate, instanceId, instanceId),
    (loaded) => loaded.state.defaultOrgId
  )

/** Each search query is a oneof: exactly one of its fields must be set. */
const toFilters = (
  instanceId: string,
  queries: ReadonlyArray<Type<typeof Api.SearchQuery>>
) =>
  Effect.forEach(queries, (query, index) =>
    Effect.gen(function*() {
      const set = Object.entries(query).filter(([, value]) => value !== undefined)
      if (set.length !== 1) {
        return yield* invalidQuery(`queries[${index}]: exactly one query must be set`)
      }
      if (query.nameQuery !== undefined) {
        const { method, name } = query.nameQuery
        return { _tag: "OrgName", name, method: textMethod(method) } as ReadModels.OrgFilter
      }
      if (query.domainQuery !== undefined) {
        const { domain, method } = query.domainQuery
        return { _tag: "OrgDomain", domain, method: textMethod(method) } as ReadModels.OrgFilter
      }
      if (query.stateQuery !== undefined) {
        const state = stateNames.indexOf(
          query.stateQuery.state ?? "ORGANIZATION_STATE_UNSPECIFIED"
        )
        return { _tag: "OrgState", state } as ReadModels.OrgFilter
      }
      if (query.idQuery !== undefined) {
        return { _tag: "OrgId", id: query.idQuery.id } as ReadModels.OrgFilter
      }
      const id = yield* defaultOrgId(instanceId)
      return { _tag: "OrgId", id: id ?? "" } as ReadModels.OrgFilter
    }))

/** The orgs the caller may read: all with an instance-wide `org.read`, else those it owns. */
const visibleOrgIds = (principal: Identity.Principal): ReadonlyArray<string> | undefined =>
  principal.permissions.has(permission.read)
    ? undefined
    : orgsGranting(principal, permission.read)

/** The admins of AddOrganization: existing users by id; creating users here is refused. */
const toAdmins = (admins: ReadonlyArray<Type<typeof Api.Admin>>) =>
  Effect.forEach(admins, (admin, index) =>
    admin.human !== undefined || admin.userId === undefined
      ? Effect.fail(
        invalidArgument(
          "ORG-4Mlfs",
          "Errors.Invalid.Argument",
          `admins[${index}]: only existing users (userId) can be made admins`
        )
      )
      : Effect.succeed({ userId: admin.userId, roles: admin.roles ?? [] }))

const onOrg = (
  orgId: string,
  required: string,
  command: (request: Org.OrgRequest) => ReturnType<typeof Org.deactivateOrganization>
) =>
  authenticated((principal) =>
    Effect.gen(function*() {
      yield* Identity.requirePermissionIn(principal, orgId, required)
      const details = yield* command({
        instanceId: principal.instanceId,
        creator: principal.userId,
        id: orgId
      })
      yield* settled(details)
      return details
    }))

export const OrganizationServiceLive = HttpApiBuilder.group(
  CitadelApi,
  "OrganizationService",
  (handlers) =>
    handlers
      .handle("AddOrganization", ({ payload }) =>
        authenticated((principal) =>
          Effect.gen(function*() {
            yield* Identity.requirePermission(principal, permission.create)
            const admins = yield* toAdmins(payload.admins ?? [])
            const created = yield* Org.createOrganization({
              instanceId: principal.instanceId,
              creator: principal.userId,
              orgId: payload.organizationId ?? payload.orgId,
              name: payload.name,
              admins
            })
            yield* settled(created.details)
            return {
              details: {
                sequence: created.details.sequence,
                changeDate: created.details.changeDate,
                resourceOwner: created.details.resourceOwner,
                creationDate: created.details.changeDate
              },
              organizationId: created.id,
              createdAdmins: []
            }
          })))
      .handle("UpdateOrganization", ({ path, payload }) =>
        authenticated((principal) =>
          Effect.gen(function*() {
            yield* Identity.requirePermissionIn(principal, path.organizationId, permission.write)
            const details = yield* Org.updateOrganization({
              instanceId: principal.instanceId,
              creator: principal.userId,
              id: path.organizationId,
              name: payload.name
            })
            yield* settled(details)
            return { changeDate: details.changeDate }
          })))
      .handle("ListOrganizations", ({ payload }) =>
        authenticated((principal) =>
          Effect.gen(function*() {
            const filters = yield* toFilters(principal.instanceId, payload.queries ?? [])
            const sorting = payload.sortingColumn ?? "ORGANIZATION_FIELD_NAME_UNSPECIFIED"
            const column = fieldNames.indexOf(sorting)
            const page = yield* ReadModels.searchOrgs(principal.instanceId, {
              ...toPagination(payload.query),
              sortingColumn: column === 0 ? undefined : ReadModels.orgSortingColumns[column - 1],
              filters,
              visibleOrgIds: visibleOrgIds(principal)
            })
            const now = yield* Effect.flatMap(Clock, (clock) => clock.now)
            return {
              details: { totalResult: page.totalResult, timestamp: now },
              sortingColumn: sorting,
              result: page.result.map(toOrganization)
            }
          })))
      .handle("DeleteOrganization", ({ path }) =>
        Effect.map(
          onOrg(path.organizationId, permission.remove, Org.deleteOrganization),
          (details) => ({ deletionDate: details.changeDate })
        ))
      .handle("DeactivateOrganization", ({ path }) =>
        Effect.map(
          onOrg(path.organizationId, permission.write, Org.deactivateOrganization),
          (details) => ({ changeDate: details.changeDate })
        ))
      .handle("ActivateOrganization", ({ path }) =>
        Effect.map(
          onOrg(path.organizationId, permission.write, Org.activateOrganization),
          (details) => ({ changeDate: details.changeDate })
        ))
)
