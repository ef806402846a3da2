import { Schema } from "effect"
import { eventCodec } from "../identity/codec.js"

/**
 * Events of the project aggregate (type `project`, id = project id, resource owner = org id),
 * named and shaped as ZITADEL's `repository/project`. OIDC applications live on the project
 * aggregate: their events carry the `appId` they are about.
 */

/** ZITADEL's `domain.PrivateLabelingSetting`. */
export const PrivateLabelingSetting = {
  Unspecified: 0,
  EnforceProjectResourceOwnerPolicy: 1,
  AllowLoginUserResourceOwnerPolicy: 2
} as const

/** `domain.OIDCVersion`: only v1 (0) exists. */
export const OidcVersion = { V1: 0 } as const

/** `domain.OIDCResponseType`: code 0, id_token 1, id_token token 2. */
export const ResponseType = { Code: 0, IdToken: 1, IdTokenToken: 2 } as const

/** `domain.OIDCGrantType`. */
export const GrantType = {
  AuthorizationCode: 0,
  Implicit: 1,
  RefreshToken: 2,
  DeviceCode: 3,
  TokenExchange: 4
} as const

/** `domain.OIDCApplicationType`. */
export const ApplicationType = { Web: 0, UserAgent: 1, Native: 2 } as const

/** `domain.OIDCAuthMethodType`. */
export const AuthMethodType = { Basic: 0, Post: 1, None: 2, PrivateKeyJwt: 3 } as const

/** `domain.OIDCTokenType`. */
export const AccessTokenType = { Bearer: 0, Jwt: 1 } as const

// Go writes these fields with `omitempty`: a zero value is absent from the payload.
const flag = Schema.optionalWith(Schema.Boolean, { default: () => false })
const number = Schema.optionalWith(Schema.Number, { default: () => 0 })
const text = Schema.optionalWith(Schema.String, { default: () => "" })
const strings = Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
const numbers = Schema.optionalWith(Schema.Array(Schema.Number), { default: () => [] })

export const ProjectAdded = Schema.TaggedStruct("ProjectAdded", {
  name: Schema.String,
  projectRoleAssertion: flag,
  projectRoleCheck: flag,
  hasProjectCheck: flag,
  privateLabelingSetting: number
})

/** Only the fields that changed are present. */
export const ProjectChanged = Schema.TaggedStruct("ProjectChanged", {
  name: Schema.optional(Schema.String),
  projectRoleAssertion: Schema.optional(Schema.Boolean),
  projectRoleCheck: Schema.optional(Schema.Boolean),
  hasProjectCheck: Schema.optional(Schema.Boolean),
  privateLabelingSetting: Schema.optional(Schema.Number)
})

export const ProjectDeactivated = Schema.TaggedStruct("ProjectDeactivated", {})
export const ProjectReactivated = Schema.TaggedStruct("ProjectReactivated", {})
export const ProjectRemoved = Schema.TaggedStruct("ProjectRemoved", {})

export const ApplicationAdded = Schema.TaggedStruct("ApplicationAdded", {
  appId: Schema.String,
  name: Schema.String
})

export const ApplicationChanged = Schema.TaggedStruct("ApplicationChanged", {
  appId: Schema.String,
  name: Schema.String
})

export const ApplicationDeactivated = Schema.TaggedStruct("ApplicationDeactivated", {
  appId: Schema.String
})

export const ApplicationReactivated = Schema.TaggedStruct("ApplicationReactivated", {
  appId: Schema.String
})

export const ApplicationRemoved = Schema.TaggedStruct("ApplicationRemoved", {
  appId: Schema.String
})

/**
 * `project.application.config.oidc.added`. `hashedSecret` is the encoded hash of the client
 * secret (absent for clients without one); `clockSkew` is in nanoseconds, as Go's
 * `time.Duration` encodes it; `oidcVersion` is the JSON name ZITADEL uses for the version.
 */
export const OidcConfigAdded = Schema.TaggedStruct("OidcConfigAdded", {
  oidcVersion: number,
  appId: Schema.String,
  clientId: text,
  hashedSecret: Schema.optional(Schema.String),
  redirectUris: strings,
  responseTypes: numbers,
  grantTypes: numbers,
  applicationType: number,
  authMethodType: number,
  postLogoutRedirectUris: strings,
  devMode: flag,
  accessTokenType: number,
  accessTokenRoleAssertion: flag,
  idTokenRoleAssertion: flag,
  idTokenUserinfoAssertion: flag,
  clockSkew: number,
  additionalOrigins: strings,
  skipNativeAppSuccessPage: flag,
  backChannelLogoutURI: text
})

/** Only the fields that changed are present, besides `appId`. */
export const OidcConfigChanged = Schema.TaggedStruct("OidcConfigChanged", {
  appId: Schema.String,
  oidcVersion: Schema.optional(Schema.Number),
  redirectUris: Schema.optional(Schema.Array(Schema.String)),
  responseTypes: Schema.optional(Schema.Array(Schema.Number)),
  grantTypes: Schema.optional(Schema.Array(Schema.Number)),
  applicationType: Schema.optional(Schema.Number),
  authMethodType: Schema.optional(Schema.Number),
  postLogoutRedirectUris: Schema.optional(Schema.Array(Schema.String)),
  devMode: Schema.optional(Schema.Boolean),
  accessTokenType: Schema.optional(Schema.Number),
  accessTokenRoleAssertion: Schema.optional(Schema.Boolean),
  idTokenRoleAssertion: Schema.optional(Schema.Boolean),
  idTokenUserinfoAssertion: Schema.optional(Schema.Boolean),
  clockSkew: Schema.optional(Schema.Number),
  additionalOrigins: Schema.optional(Schema.Array(Schema.String)),
  skipNativeAppSuccessPage: Schema.optional(Schema.Boolean),
  backChannelLogoutURI: Schema.optional(Schema.String)
})

/** A new client secret, stored as its encoded hash only. */
export const OidcConfigSecretChanged = Schema.TaggedStruct("OidcConfigSecretChanged", {
  appId: Schema.String,
  hashedSecret: Schema.String
})

export const ProjectEvent = Schema.Union(
  ProjectAdded,
  ProjectChanged,
  ProjectDeactivated,
  ProjectReactivated,
  ProjectRemoved,
  ApplicationAdded,
  ApplicationChanged,
  ApplicationDeactivated,
  ApplicationReactivated,
  ApplicationRemoved,
  OidcConfigAdded,
  OidcConfigChanged,
  OidcConfigSecretChanged
)
export type ProjectEvent = typeof ProjectEvent.Type
export type OidcConfigAdded = typeof OidcConfigAdded.Type
export type OidcConfigChanged = typeof OidcConfigChanged.Type
export type ProjectChanged = typeof ProjectChanged.Type

export const projectEventTypes = {
  ProjectAdded: "project.added",
  ProjectChanged: "project.changed",
  ProjectDeactivated: "project.deactivated",
  ProjectReactivated: "project.reactivated",
  ProjectRemoved: "project.removed",
  ApplicationAdded: "project.application.added",
  ApplicationChanged: "project.application.changed",
  ApplicationDeactivated: "project.application.deactivated",
  ApplicationReactivated: "project.application.reactivated",
  ApplicationRemoved: "project.application.removed",
  OidcConfigAdded: "project.application.config.oidc.added",
  OidcConfigChanged: "project.application.config.oidc.changed",
  OidcConfigSecretChanged: "project.application.config.oidc.secret.changed"
} as const

export const projectCodec = eventCodec(ProjectEvent, projectEventTypes)

export const decodeProjectEvent = projectCodec.decode
export const encodeProjectEvent = projectCodec.encode
