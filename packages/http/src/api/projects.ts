import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { Authorization } from "./security.js"
import {
  ListQuery,
  maxItems,
  oneof,
  OptionalRepeated,
  TextQueryMethod
} from "./common.js"
import { Duration, ProtoEnum, RequestBody, Timestamp, UInt64Out } from "./protojson.js"

/**
 * Projects and OIDC applications of ZITADEL's management API v1
 * (`zitadel.management.v1.ManagementService`) on its REST paths. The org is the one named by
 * the `x-zitadel-orgid` header, or the caller's own.
 */

export const PrivateLabelingSetting = ProtoEnum("PrivateLabelingSetting", [
  "PRIVATE_LABELING_SETTING_UNSPECIFIED",
  "PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY",
  "PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY"
])

export const OidcResponseType = ProtoEnum("OIDCResponseType", [
  "OIDC_RESPONSE_TYPE_CODE",
  "OIDC_RESPONSE_TYPE_ID_TOKEN",
  "OIDC_RESPONSE_TYPE_ID_TOKEN_TOKEN"
])

export const OidcGrantType = ProtoEnum("OIDCGrantType", [
  "OIDC_GRANT_TYPE_AUTHORIZATION_CODE",
  "OIDC_GRANT_TYPE_IMPLICIT",
  "OIDC_GRANT_TYPE_REFRESH_TOKEN",
  "OIDC_GRANT_TYPE_DEVICE_CODE",
  "OIDC_GRANT_TYPE_TOKEN_EXCHANGE"
])

export const OidcAppType = ProtoEnum("OIDCAppType", [
  "OIDC_APP_TYPE_WEB",
  "OIDC_APP_TYPE_USER_AGENT",
  "OIDC_APP_TYPE_NATIVE"
])

export const OidcAuthMethodType = ProtoEnum("OIDCAuthMethodType", [
  "OIDC_AUTH_METHOD_TYPE_BASIC",
  "OIDC_AUTH_METHOD_TYPE_POST",
  "OIDC_AUTH_METHOD_TYPE_NONE",
  "OIDC_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT"
])

export const OidcVersion = ProtoEnum("OIDCVersion", ["OIDC_VERSION_1_0"])

export const OidcTokenType = ProtoEnum("OIDCTokenType", [
  "OIDC_TOKEN_TYPE_BEARER",
  "OIDC_TOKEN_TYPE_JWT"
])

const ProjectState = Schema.Literal(
  "PROJECT_STATE_UNSPECIFIED",
  "PROJECT_STATE_ACTIVE",
  "PROJECT_STATE_INACTIVE"
)

const AppState = Schema.Literal("APP_STATE_UNSPECIFIED", "APP_STATE_ACTIVE", "APP_STATE_INACTIVE")

export { TextQueryMethod }

/** `zitadel.v1.ObjectDetails`. */
export const ObjectDetails = Schema.Struct({
  sequence: UInt64Out,
  creationDate: Schema.optional(Timestamp),
  changeDate: Timestamp,
  resourceOwner: Schema.String
}).annotations({ identifier: "ObjectDetails" })

/** `zitadel.v1.ListDetails`. */
const ListDetails = Schema.Struct({
  totalResult: UInt64Out,
  processedSequence: UInt64Out,
  viewTimestamp: Timestamp
})

const Name = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))
const Uri = Schema.String.pipe(Schema.maxLength(2048))

const ProjectSettings = {
  name: Name,
  projectRoleAssertion: Schema.optional(Schema.Boolean),
  projectRoleCheck: Schema.optional(Schema.Boolean),
  hasProjectCheck: Schema.optional(Schema.Boolean),
  privateLabelingSetting: Schema.optional(PrivateLabelingSetting)
}

export const AddProjectRequest = Schema.Struct(ProjectSettings)
export const UpdateProjectRequest = Schema.Struct(ProjectSettings)

export const Project = Schema.Struct({
  id: Schema.String,
  details: ObjectDetails,
  name: Schema.String,
  state: ProjectState,
  projectRoleAssertion: Schema.Boolean,
  projectRoleCheck: Schema.Boolean,
  hasProjectCheck: Schema.Boolean,
  privateLabelingSetting: PrivateLabelingSetting
}).annotations({ identifier: "Project" })

const TextQuery = <K extends string>(field: K) =>
  Schema.Struct({
    [field]: Schema.String.pipe(Schema.maxLength(200)),
    method: Schema.optional(TextQueryMethod)
  } as { [P in K]: typeof Name } & { method: Schema.optional<typeof TextQueryMethod> })

export const ProjectQuery = Schema.Struct({
  nameQuery: Schema.optional(TextQuery("name")),
  projectResourceOwnerQuery: Schema.optional(Schema.Struct({ resourceOwner: Schema.String }))
}).pipe(oneof(["nameQuery", "projectResourceOwnerQuery"]))

export const ListProjectsRequest = Schema.Struct({
  query: Schema.optional(ListQuery),
  queries: OptionalRepeated(ProjectQuery, maxItems.filters)
})

const OidcSettingsFields = {
  redirectUris: OptionalRepeated(Uri, maxItems.uris),
  responseTypes: OptionalRepeated(OidcResponseType, maxItems.enums),
  grantTypes: OptionalRepeated(OidcGrantType, maxItems.enums),
  appType: Schema.optional(OidcAppType),
  authMethodType: Schema.optional(OidcAuthMethodType),
  postLogoutRedirectUris: OptionalRepeated(Uri, maxItems.uris),
  devMode: Schema.optional(Schema.Boolean),
  accessTokenType: Schema.optional(OidcTokenType),
  accessTokenRoleAssertion: Schema.optional(Schema.Boolean),
  idTokenRoleAssertion: Schema.optional(Schema.Boolean),
  idTokenUserinfoAssertion: Schema.optional(Schema.Boolean),
  clockSkew: Schema.optional(Duration),
  additionalOrigins: OptionalRepeated(Uri, maxItems.uris),
  skipNativeAppSuccessPage: Schema.optional(Schema.Boolean),
  backChannelLogoutUri: Schema.optional(Uri)
}

export const AddOidcAppRequest = Schema.Struct({
  name: Name,
  version: Schema.optional(OidcVersion),
  ...OidcSettingsFields
})

export const UpdateOidcAppConfigRequest = Schema.Struct(OidcSettingsFields)

export const UpdateAppRequest = Schema.Struct({ name: Name })

/** `zitadel.v1.LocalizedMessage`. */
const LocalizedMessage = Schema.Struct({ key: Schema.String, localizedMessage: Schema.String })

export const OidcConfig = Schema.Struct({
  redirectUris: Schema.Array(Schema.String),
  responseTypes: Schema.Array(OidcResponseType),
  grantTypes: Schema.Array(OidcGrantType),
  appType: OidcAppType,
  clientId: Schema.String,
  authMethodType: OidcAuthMethodType,
  postLogoutRedirectUris: Schema.Array(Schema.String),
  version: OidcVersion,
  noneCompliant: Schema.Boolean,
  complianceProblems: Schema.Array(LocalizedMessage),
  devMode: Schema.Boolean,
  accessTokenType: OidcTokenType,
  accessTokenRoleAssertion: Schema.Boolean,
  idTokenRoleAssertion: Schema.Boolean,
  idTokenUserinfoAssertion: Schema.Boolean,
  clockSkew: Duration,
  additionalOrigins: Schema.Array(Schema.String),
  allowedOrigins: Schema.Array(Schema.String),
  skipNativeAppSuccessPage: Schema.Boolean,
  backChannelLogoutUri: Schema.String
}).annotations({ identifier: "OIDCConfig" })

export const App = Schema.Struct({
  id: Schema.String,
  details: ObjectDetails,
  state: AppState,
  name: Schema.String,
  oidcConfig: Schema.optional(OidcConfig)
}).annotations({ identifier: "App" })

export const AppQuery = Schema.Struct({ nameQuery: Schema.optional(TextQuery("name")) })

export const ListAppsRequest = Schema.Struct({
  query: Schema.optional(ListQuery),
  queries: OptionalRepeated(AppQuery, maxItems.filters)
})

/** `x-zitadel-orgid`: the org the call acts in; the caller's own org when absent. */
export const OrgHeader = Schema.Struct({ "x-zitadel-orgid": Schema.optional(Schema.String) })

const Id = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))
const id = HttpApiSchema.param("id", Id)
const projectId = HttpApiSchema.param("projectId", Id)
const appId = HttpApiSchema.param("appId", Id)

const DetailsOnly = Schema.Struct({ details: ObjectDetails })

export class ManagementProjects extends HttpApiGroup.make("ManagementProjects")
  .add(
    HttpApiEndpoint.post("AddProject", "/management/v1/projects")
      .setHeaders(OrgHeader)
      .setPayload(RequestBody(AddProjectRequest))
      .addSuccess(Schema.Struct({ id: Schema.String, details: ObjectDetails }))
  )
  .add(
    HttpApiEndpoint.get("GetProjectByID")`/management/v1/projects/${id}`
      .setHeaders(OrgHeader)
      .addSuccess(Schema.Struct({ project: Project }))
  )
  .add(
    HttpApiEndpoint.post("ListProjects", "/management/v1/projects/_search")
      .setHeaders(OrgHeader)
      .setPayload(RequestBody(ListProjectsRequest))
      .addSuccess(Schema.Struct({ details: ListDetails, result: Schema.Array(Project) }))
  )
  .add(
    HttpApiEndpoint.put("UpdateProject")`/management/v1/projects/${id}`
      .setHeaders(OrgHeader)
      .setPayload(RequestBody(UpdateProjectRequest))
      .addSuccess(DetailsOnly)
  )
  .add(
    HttpApiEndpoint.post("DeactivateProject")`/management/v1/projects/${id}/_deactivate`
      .setHeaders(OrgHeader)
      .addSuccess(DetailsOnly)
  )
  .add(
    HttpApiEndpoint.post("ReactivateProject")`/management/v1/projects/${id}/_reactivate`
      .setHeaders(OrgHeader)
      .addSuccess(DetailsOnly)
  )
  .add(
    HttpApiEndpoint.del("RemoveProject")`/management/v1/projects/${id}`
      .setHeaders(OrgHeader)
      .addSuccess(DetailsOnly)
  )
  .add(
    HttpApiEndpoint.post("AddOIDCApp")`/management/v1/projects/${projectId}/apps/oidc`
      .setHeaders(OrgHeader)
      .setPayload(RequestBody(AddOidcAppRequest))
      .addSuccess(Schema.Struct({
        appId: Schema.String,
        details: ObjectDetails,
        clientId: Schema.String,
        clientSecret: Schema.optional(Schema.String),
        noneCompliant: Schema.Boolean,
        complianceProblems: Schema.Array(LocalizedMessage)
      }))
  )
  .add(
    HttpApiEndpoint.post("ListApps")`/management/v1/projects/${projectId}/apps/_search`
      .setHeaders(OrgHeader)
      .setPayload(RequestBody(ListAppsRequest))
      .addSuccess(Schema.Struct({ details: ListDetails, result: Schema.Array(App) }))
  )
  .add(
    HttpApiEndpoint.get("GetAppByID")`/management/v1/projects/${projectId}/apps/${appId}`
      .setHeaders(OrgHeader)
      .addSuccess(Schema.Struct({ app: App }))
  )
  .add(
    HttpApiEndpoint.put("UpdateApp")`/management/v1/projects/${projectId}/apps/${appId}`
      .setHeaders(OrgHeader)
      .setPayload(RequestBody(UpdateAppRequest))
      .addSuccess(DetailsOnly)
  )
  .add(
    HttpApiEndpoint.put(
      "UpdateOIDCAppConfig"
    )`/management/v1/projects/${projectId}/apps/${appId}/oidc_config`
      .setHeaders(OrgHeader)
      .setPayload(RequestBody(UpdateOidcAppConfigRequest))
      .addSuccess(DetailsOnly)
  )
  .add(
    HttpApiEndpoint.post(
      "RegenerateOIDCClientSecret"
    )`/management/v1/projects/${projectId}/apps/${appId}/oidc_config/_generate_client_secret`
      .setHeaders(OrgHeader)
      .addSuccess(Schema.Struct({ clientSecret: Schema.String, details: ObjectDetails }))
  )
  .add(
    HttpApiEndpoint.post(
      "DeactivateApp"
    )`/management/v1/projects/${projectId}/apps/${appId}/_deactivate`
      .setHeaders(OrgHeader)
      .addSuccess(DetailsOnly)
  )
  .add(
    HttpApiEndpoint.post(
      "ReactivateApp"
    )`/management/v1/projects/${projectId}/apps/${appId}/_reactivate`
      .setHeaders(OrgHeader)
      .addSuccess(DetailsOnly)
  )
  .add(
    HttpApiEndpoint.del("RemoveApp")`/management/v1/projects/${projectId}/apps/${appId}`
      .setHeaders(OrgHeader)
      .addSuccess(DetailsOnly)
  )
  .middleware(Authorization)
{}
