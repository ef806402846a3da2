import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import {
  ListDetails,
  ListQuery,
  maxItems,
  oneof,
  OptionalRepeated,
  Repeated,
  TextQueryMethod
} from "./common.js"
import { ProtoEnum, RequestBody, Timestamp, UInt64Out } from "./protojson.js"
import { Authorization } from "./security.js"

/**
 * ZITADEL's User service v2 (`zitadel.user.v2.UserService`) on its REST paths: humans, machines,
 * passwords, state changes, personal access tokens and client secrets.
 */

const Id = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))
const Text200 = Schema.String.pipe(Schema.maxLength(200))
const Required200 = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))

export const Gender = ProtoEnum("Gender", [
  "GENDER_UNSPECIFIED",
  "GENDER_FEMALE",
  "GENDER_MALE",
  "GENDER_DIVERSE"
])

export const UserState = ProtoEnum("UserState", [
  "USER_STATE_UNSPECIFIED",
  "USER_STATE_ACTIVE",
  "USER_STATE_INACTIVE",
  "USER_STATE_DELETED",
  "USER_STATE_LOCKED",
  "USER_STATE_INITIAL"
])

export const AccessTokenType = ProtoEnum("AccessTokenType", [
  "ACCESS_TOKEN_TYPE_BEARER",
  "ACCESS_TOKEN_TYPE_JWT"
])

export const Type = ProtoEnum("Type", ["TYPE_UNSPECIFIED", "TYPE_HUMAN", "TYPE_MACHINE"])

export { TextQueryMethod }

export const UserFieldName = ProtoEnum("UserFieldName", [
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
])

/** `zitadel.object.v2.Details`. */
export const Details = Schema.Struct({
  sequence: UInt64Out,
  changeDate: Timestamp,
  resourceOwner: Schema.String
}).annotations({ identifier: "Details" })

const Organization = Schema.Struct({
  orgId: Schema.optional(Schema.String),
  orgDomain: Schema.optional(Schema.String)
}).pipe(oneof(["orgId", "orgDomain"]))

const SetHumanProfile = Schema.Struct({
  givenName: Required200,
  familyName: Required200,
  nickName: Schema.optional(Text200),
  displayName: Schema.optional(Text200),
  preferredLanguage: Schema.optional(Schema.String.pipe(Schema.maxLength(10))),
  gender: Schema.optional(Gender)
})

const SetHumanEmail = Schema.Struct({
  email: Required200,
  isVerified: Schema.optional(Schema.Boolean),
  sendCode: Schema.optional(Schema.Unknown),
  returnCode: Schema.optional(Schema.Unknown)
}).pipe(oneof(["sendCode", "returnCode", "isVerified"]))

const SetHumanPhone = Schema.Struct({
  phone: Schema.optional(Text200),
  isVerified: Schema.optional(Schema.Boolean)
})

const Password = Schema.Struct({
  password: Required200,
  changeRequired: Schema.optional(Schema.Boolean)
})

const HashedPassword = Schema.Struct({
  hash: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  changeRequired: Schema.optional(Schema.Boolean)
})

const HumanFields = {
  profile: SetHumanProfile,
  email: SetHumanEmail,
  phone: Schema.optional(SetHumanPhone),
  password: Schema.optional(Password),
  hashedPassword: Schema.optional(HashedPassword)
}

/** The oneof `password_type` of a new human. */
const passwordType = oneof(["password", "hashedPassword"])

export const AddHumanUserRequest = Schema.Struct({
  userId: Schema.optional(Id),
  username: Schema.optional(Required200),
  organization: Schema.optional(Organization),
  ...HumanFields
}).pipe(passwordType)

export const CreateUserRequest = Schema.Struct({
  organizationId: Id,
  userId: Schema.optional(Id),
  username: Schema.optional(Required200),
  human: Schema.optional(Schema.Struct(HumanFields).pipe(passwordType)),
  machine: Schema.optional(Schema.Struct({
    name: Required200,
    description: Schema.optional(Schema.String.pipe(Schema.maxLength(500)))
  }))
})

export const SetPasswordRequest = Schema.Struct({
  newPassword: Password,
  currentPassword: Schema.optional(Schema.String),
  verificationCode: Schema.optional(Schema.String)
}).pipe(oneof(["currentPassword", "verificationCode"]))

export const User = Schema.Struct({
  userId: Schema.String,
  details: Details,
  state: UserState,
  username: Schema.String,
  loginNames: Schema.Array(Schema.String),
  preferredLoginName: Schema.String,
  human: Schema.optional(Schema.Struct({
    profile: Schema.Struct({
      givenName: Schema.String,
      familyName: Schema.String,
      nickName: Schema.String,
      displayName: Schema.String,
      preferredLanguage: Schema.String,
      gender: Gender
    }),
    email: Schema.Struct({ email: Schema.String, isVerified: Schema.Boolean }),
    phone: Schema.Struct({ phone: Schema.String, isVerified: Schema.Boolean }),
    passwordChangeRequired: Schema.Boolean,
    passwordChanged: Schema.optional(Timestamp)
  })),
  machine: Schema.optional(Schema.Struct({
    name: Schema.String,
    description: Schema.String,
    hasSecret: Schema.Boolean,
    accessTokenType: AccessTokenType
  }))
}).annotations({ identifier: "User" })

const Method = Schema.optional(TextQueryMethod)

export const SearchQuery = Schema.Struct({
  userNameQuery: Schema.optional(Schema.Struct({ userName: Text200, method: Method })),
  firstNameQuery: Schema.optional(Schema.Struct({ firstName: Text200, method: Method })),
  lastNameQuery: Schema.optional(Schema.Struct({ lastName: Text200, method: Method })),
  nickNameQuery: Schema.optional(Schema.Struct({ nickName: Text200, method: Method })),
  displayNameQuery: Schema.optional(Schema.Struct({ displayName: Text200, method: Method })),
  emailQuery: Schema.optional(Schema.Struct({ emailAddress: Text200, method: Method })),
  phoneQuery: Schema.optional(Schema.Struct({ number: Text200, method: Method })),
  stateQuery: Schema.optional(Schema.Struct({ state: UserState })),
  typeQuery: Schema.optional(Schema.Struct({ type: Type })),
  inUserIdsQuery: Schema.optional(
    Schema.Struct({ userIds: Repeated(Schema.String, maxItems.ids) })
  ),
  organizationIdQuery: Schema.optional(Schema.Struct({ organizationId: Schema.String }))
})

export const ListUsersRequest = Schema.Struct({
  query: Schema.optional(ListQuery),
  sortingColumn: Schema.optional(UserFieldName),
  queries: OptionalRepeated(SearchQuery, maxItems.filters)
})

const DetailsResponse = Schema.Struct({ details: Details })

// State changes take ZITADEL's body `{}`, which carries nothing, so it is not read at all.

const userIdPath = HttpApiSchema.param("userId", Id)
const tokenIdPath = HttpApiSchema.param("tokenId", Id)

export class UserService extends HttpApiGroup.make("UserService")
  .add(
    HttpApiEndpoint.post("AddHumanUser", "/v2/users/human")
      .setPayload(RequestBody(AddHumanUserRequest))
      .addSuccess(Schema.Struct({ userId: Schema.String, details: Details }), { status: 201 })
  )
  .add(
    HttpApiEndpoint.post("CreateUser", "/v2/users/new")
      .setPayload(RequestBody(CreateUserRequest))
      .addSuccess(Schema.Struct({ id: Schema.String, creationDate: Timestamp }), { status: 201 })
  )
  .add(
    HttpApiEndpoint.get("GetUserByID")`/v2/users/${userIdPath}`
      .addSuccess(Schema.Struct({ details: Details, user: User }))
  )
  .add(
    HttpApiEndpoint.post("ListUsers", "/v2/users")
      .setPayload(RequestBody(ListUsersRequest))
      .addSuccess(Schema.Struct({
        details: ListDetails,
        sortingColumn: UserFieldName,
        result: Schema.Array(User)
      }))
  )
  .add(
    HttpApiEndpoint.post("SetPassword")`/v2/users/${userIdPath}/password`
      .setPayload(RequestBody(SetPasswordRequest))
      .addSuccess(DetailsResponse)
  )
  .add(
    HttpApiEndpoint.post("DeactivateUser")`/v2/users/${userIdPath}/deactivate`
      .addSuccess(DetailsResponse)
  )
  .add(
    HttpApiEndpoint.post("ReactivateUser")`/v2/users/${userIdPath}/reactivate`
      .addSuccess(DetailsResponse)
  )
  .add(
    HttpApiEndpoint.post("LockUser")`/v2/users/${userIdPath}/lock`
      .addSuccess(DetailsResponse)
  )
  .add(
    HttpApiEndpoint.post("UnlockUser")`/v2/users/${userIdPath}/unlock`
      .addSuccess(DetailsResponse)
  )
  .add(
    HttpApiEndpoint.del("DeleteUser")`/v2/users/${userIdPath}`
      .addSuccess(DetailsResponse)
  )
  .add(
    HttpApiEndpoint.post("AddPersonalAccessToken")`/v2/users/${userIdPath}/pats`
      .setPayload(RequestBody(Schema.Struct({ expirationDate: Schema.optional(Timestamp) })))
      .addSuccess(Schema.Struct({
        creationDate: Timestamp,
        tokenId: Schema.String,
        token: Schema.String
      }))
  )
  .add(
    HttpApiEndpoint.del("RemovePersonalAccessToken")`/v2/users/${userIdPath}/pats/${tokenIdPath}`
      .addSuccess(Schema.Struct({ deletionDate: Timestamp }))
  )
  .add(
    HttpApiEndpoint.post("AddSecret")`/v2/users/${userIdPath}/secret`
      .addSuccess(Schema.Struct({ creationDate: Timestamp, clientSecret: Schema.String }))
  )
  .add(
    HttpApiEndpoint.del("RemoveSecret")`/v2/users/${userIdPath}/secret`
      .addSuccess(Schema.Struct({ deletionDate: Timestamp }))
  )
  .middleware(Authorization)
{}
