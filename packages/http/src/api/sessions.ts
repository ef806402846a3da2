import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { ListDetails, ListQuery, maxItems, OptionalRepeated } from "./common.js"
import { Duration, ProtoEnum, RequestBody, Timestamp, UInt64Out } from "./protojson.js"
import { Authorization } from "./security.js"
import { Details } from "./users.js"

/**
 * ZITADEL's Session service v2 (`zitadel.session.v2.SessionService`) on its REST paths. Only the
 * user and password checks are served; requests asking for other checks or challenges are
 * refused rather than silently ignored.
 */

const Id = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))
const Required200 = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))

/** Proto `bytes` in JSON: base64, standard or URL-safe; empty removes a metadata key. */
const Bytes = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9+/_-]*={0,2}$/, { message: () => "expected base64" })
)

export const TimestampQueryMethod = ProtoEnum("TimestampQueryMethod", [
  "TIMESTAMP_QUERY_METHOD_EQUALS",
  "TIMESTAMP_QUERY_METHOD_GREATER",
  "TIMESTAMP_QUERY_METHOD_GREATER_OR_EQUALS",
  "TIMESTAMP_QUERY_METHOD_LESS",
  "TIMESTAMP_QUERY_METHOD_LESS_OR_EQUALS"
])

export const SessionFieldName = ProtoEnum("SessionFieldName", [
  "SESSION_FIELD_NAME_UNSPECIFIED",
  "SESSION_FIELD_NAME_CREATION_DATE"
])

const HeaderValues = Schema.Struct({ values: OptionalRepeated(Schema.String, maxItems.values) })

export const UserAgent = Schema.Struct({
  fingerprintId: Schema.optional(Schema.String),
  ip: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  header: Schema.optional(Schema.Record({ key: Schema.String, value: HeaderValues }))
}).annotations({ identifier: "UserAgent" })

export const Checks = Schema.Struct({
  user: Schema.optional(Schema.Struct({
    userId: Schema.optional(Required200),
    loginName: Schema.optional(Required200)
  })),
  password: Schema.optional(Schema.Struct({ password: Required200 })),
  // Not served yet: accepted by the schema only to be refused with a clear error.
  webAuthN: Schema.optional(Schema.Unknown),
  idpIntent: Schema.optional(Schema.Unknown),
  totp: Schema.optional(Schema.Unknown),
  otpSms: Schema.optional(Schema.Unknown),
  otpEmail: Schema.optional(Schema.Unknown),
  recoveryCode: Schema.optional(Schema.Unknown)
})

const Metadata = Schema.Record({ key: Schema.String, value: Bytes })

export const CreateSessionRequest = Schema.Struct({
  checks: Schema.optional(Checks),
  metadata: Schema.optional(Metadata),
  challenges: Schema.optional(Schema.Unknown),
  userAgent: Schema.optional(UserAgent),
  lifetime: Schema.optional(Duration)
})

export const SetSessionRequest = Schema.Struct({
  sessionToken: Schema.optional(Schema.String),
  checks: Schema.optional(Checks),
  metadata: Schema.optional(Metadata),
  challenges: Schema.optional(Schema.Unknown),
  lifetime: Schema.optional(Duration)
})

export const DeleteSessionRequest = Schema.Struct({
  sessionToken: Schema.optional(Schema.String)
})

const DateQuery = <K extends string>(field: K) =>
  Schema.Struct({
    [field]: Schema.optional(Timestamp),
    method: Schema.optional(TimestampQueryMethod)
  } as { [P in K]: Schema.optional<typeof Timestamp> } & {
    method: Schema.optional<typeof TimestampQueryMethod>
  })

export const SearchQuery = Schema.Struct({
  idsQuery: Schema.optional(Schema.Struct({ ids: OptionalRepeated(Schema.String, maxItems.ids) })),
  userIdQuery: Schema.optional(Schema.Struct({ id: Schema.optional(Schema.String) })),
  creationDateQuery: Schema.optional(DateQuery("creationDate")),
  creatorQuery: Schema.optional(Schema.Struct({
    id: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
  })),
  userAgentQuery: Schema.optional(Schema.Struct({
    fingerprintId: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
  })),
  expirationDateQuery: Schema.optional(DateQuery("expirationDate"))
})

export const ListSessionsRequest = Schema.Struct({
  query: Schema.optional(ListQuery),
  queries: OptionalRepeated(SearchQuery, maxItems.filters),
  sortingColumn: Schema.optional(SessionFieldName)
})

const Verified = Schema.Struct({ verifiedAt: Timestamp })

export const Session = Schema.Struct({
  id: Schema.String,
  creationDate: Timestamp,
  changeDate: Timestamp,
  sequence: UInt64Out,
  factors: Schema.optional(Schema.Struct({
    user: Schema.Struct({
      verifiedAt: Timestamp,
      id: Schema.String,
      loginName: Schema.String,
      displayName: Schema.String,
      organizationId: Schema.String
    }),
    password: Schema.optional(Verified)
  })),
  metadata: Schema.Record({ key: Schema.String, value: Schema.String }),
  userAgent: Schema.optional(Schema.Struct({
    fingerprintId: Schema.optional(Schema.String),
    ip: Schema.optional(Schema.String),
    description: Schema.optional(Schema.String),
    header: Schema.optional(Schema.Record({
      key: Schema.String,
      value: Schema.Struct({ values: Schema.Array(Schema.String) })
    }))
  })),
  expirationDate: Schema.optional(Timestamp)
}).annotations({ identifier: "Session" })

/** Maps whose keys are data (metadata keys, header names), kept as the client wrote them. */
const SessionBody = <A, I>(schema: Schema.Schema<A, I, never>) =>
  RequestBody(schema, ["metadata", "header"])

const sessionIdPath = HttpApiSchema.param("sessionId", Id)

export class SessionService extends HttpApiGroup.make("SessionService")
  .add(
    HttpApiEndpoint.post("CreateSession", "/v2/sessions")
      .setPayload(SessionBody(CreateSessionRequest))
      .addSuccess(
        Schema.Struct({ details: Details, sessionId: Schema.String, sessionToken: Schema.String }),
        { status: 201 }
      )
  )
  .add(
    HttpApiEndpoint.patch("SetSession")`/v2/sessions/${sessionIdPath}`
      .setPayload(SessionBody(SetSessionRequest))
      .addSuccess(Schema.Struct({ details: Details, sessionToken: Schema.String }))
  )
  .add(
    HttpApiEndpoint.del("DeleteSession")`/v2/sessions/${sessionIdPath}`
      .setPayload(SessionBody(DeleteSessionRequest))
      .addSuccess(Schema.Struct({ details: Details }))
  )
  .add(
    HttpApiEndpoint.get("GetSession")`/v2/sessions/${sessionIdPath}`
      .setUrlParams(Schema.Struct({
        sessionToken: Schema.optional(Schema.String),
        session_token: Schema.optional(Schema.String)
      }))
      .addSuccess(Schema.Struct({ session: Session }))
  )
  .add(
    HttpApiEndpoint.post("ListSessions", "/v2/sessions/search")
      .setPayload(SessionBody(ListSessionsRequest))
      .addSuccess(Schema.Struct({
        details: ListDetails,
        sessions: Schema.Array(Session)
      }))
  )
  .middleware(Authorization)
{}
