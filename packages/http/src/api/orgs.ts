import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { Authorization } from "./security.js"
import {
  ListDetails,
  ListQuery,
  maxItems,
  OptionalRepeated,
  TextQueryMethod
} from "./common.js"
import { ProtoEnum, RequestBody, Timestamp, UInt64Out } from "./protojson.js"

/**
 * ZITADEL's Organization service v2 (`zitadel.org.v2.OrganizationService`) on its REST paths.
 * The v2 service has no GetOrganization: one org is read with ListOrganizations and an
 * `idQuery`.
 */

const Id = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))
const Name = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))

export const OrganizationState = ProtoEnum("OrganizationState", [
  "ORGANIZATION_STATE_UNSPECIFIED",
  "ORGANIZATION_STATE_ACTIVE",
  "ORGANIZATION_STATE_INACTIVE",
  "ORGANIZATION_STATE_REMOVED"
])

export const OrganizationFieldName = ProtoEnum("OrganizationFieldName", [
  "ORGANIZATION_FIELD_NAME_UNSPECIFIED",
  "ORGANIZATION_FIELD_NAME_NAME",
  "ORGANIZATION_FIELD_NAME_CREATION_DATE"
])


export { TextQueryMethod }

/** `zitadel.object.v2.Details`. */
export const Details = Schema.Struct({
  sequence: UInt64Out,
  changeDate: Timestamp,
  resourceOwner: Schema.String,
  creationDate: Schema.optional(Timestamp)
}).annotations({ identifier: "Details" })

export const Admin = Schema.Struct({
  userId: Schema.optional(Schema.String),
  /** Creating a human user along with the org is not supported here; it is refused. */
  human: Schema.optional(Schema.Unknown),
  roles: OptionalRepeated(Schema.String, maxItems.entries)
})

export const AddOrganizationRequest = Schema.Struct({
  name: Name,
  admins: OptionalRepeated(Admin, maxItems.entries),
  organizationId: Schema.optional(Id),
  /** Deprecated in favour of `organizationId`, which wins when both are set. */
  orgId: Schema.optional(Id)
})

export const UpdateOrganizationRequest = Schema.Struct({ name: Name })

export const SearchQuery = Schema.Struct({
  nameQuery: Schema.optional(
    Schema.Struct({ name: Name, method: Schema.optional(TextQueryMethod) })
  ),
  domainQuery: Schema.optional(
    Schema.Struct({ domain: Name, method: Schema.optional(TextQueryMethod) })
  ),
  stateQuery: Schema.optional(Schema.Struct({ state: Schema.optional(OrganizationState) })),
  idQuery: Schema.optional(Schema.Struct({ id: Id })),
  defaultQuery: Schema.optional(Schema.Struct({}))
})

export const ListOrganizationsRequest = Schema.Struct({
  query: Schema.optional(ListQuery),
  sortingColumn: Schema.optional(OrganizationFieldName),
  queries: OptionalRepeated(SearchQuery, maxItems.filters)
})

export const Organization = Schema.Struct({
  id: Schema.String,
  details: Details,
  state: OrganizationState,
  name: Schema.String,
  primaryDomain: Schema.String
}).annotations({ identifier: "Organization" })

const organizationId = HttpApiSchema.param("organizationId", Id)

export class OrganizationService extends HttpApiGroup.make("OrganizationService")
  .add(
    HttpApiEndpoint.post("AddOrganization", "/v2/organizations")
      .setPayload(RequestBody(AddOrganizationRequest))
      .addSuccess(
        Schema.Struct({
          details: Details,
          organizationId: Schema.String,
          createdAdmins: Schema.Array(Schema.Struct({ userId: Schema.String }))
        }),
        { status: 201 }
      )
  )
  .add(
    HttpApiEndpoint.post("UpdateOrganization")`/v2/organizations/${organizationId}`
      .setPayload(RequestBody(UpdateOrganizationRequest))
      .addSuccess(Schema.Struct({ changeDate: Timestamp }))
  )
  .add(
    HttpApiEndpoint.post("ListOrganizations", "/v2/organizations/_search")
      .setPayload(RequestBody(ListOrganizationsRequest))
      .addSuccess(Schema.Struct({
        details: ListDetails,
        sortingColumn: OrganizationFieldName,
        result: Schema.Array(Organization)
      }))
  )
  .add(
    HttpApiEndpoint.del("DeleteOrganization")`/v2/organizations/${organizationId}`
      .addSuccess(Schema.Struct({ deletionDate: Timestamp }))
  )
  .add(
    HttpApiEndpoint.post("DeactivateOrganization")`/v2/organizations/${organizationId}/deactivate`
      .addSuccess(Schema.Struct({ changeDate: Timestamp }))
  )
  .add(
    HttpApiEndpoint.post("ActivateOrganization")`/v2/organizations/${organizationId}/activate`
      .addSuccess(Schema.Struct({ changeDate: Timestamp }))
  )
  .middleware(Authorization)
{}
