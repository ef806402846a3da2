import { HttpApiSchema } from "@effect/platform"
import type { DomainError, ErrorKind } from "@citadel/domain"
import { Schema } from "effect"

/**
 * ZITADEL's REST error body (grpc-gateway's status JSON): the gRPC code, the message key with
 * the error id, and one detail naming both.
 */
const ErrorDetail = Schema.Struct({
  "@type": Schema.Literal("type.googleapis.com/zitadel.v1.ErrorDetail"),
  id: Schema.String,
  message: Schema.String
})

const ErrorBody = Schema.Struct({
  code: Schema.Number,
  message: Schema.String,
  details: Schema.Array(ErrorDetail)
})

interface ErrorFields {
  readonly id: string
  readonly message: string
  readonly detail?: string | undefined
}

/** gRPC status code and HTTP status of each kind, as grpc-gateway maps them. */
const kinds = {
  InvalidArgument: { grpc: 3, status: 400 },
  NotFound: { grpc: 5, status: 404 },
  AlreadyExists: { grpc: 6, status: 409 },
  PermissionDenied: { grpc: 7, status: 403 },
  PreconditionFailed: { grpc: 9, status: 400 },
  Internal: { grpc: 13, status: 500 },
  Unavailable: { grpc: 14, status: 503 },
  Unauthenticated: { grpc: 16, status: 401 }
} as const satisfies Record<ErrorKind, { grpc: number; status: number }>

const bodyOf = (kind: ErrorKind, error: ErrorFields) => {
  const text = error.detail === undefined ? error.message : `${error.message}: ${error.detail}`
  return {
    code: kinds[kind].grpc,
    message: `${text} (${error.id})`,
    details: [{
      "@type": "type.googleapis.com/zitadel.v1.ErrorDetail" as const,
      id: error.id,
      message: error.message
    }]
  }
}

const parseMessage = (message: string): { readonly text: string; readonly id: string } => {
  const match = /^(.*) \(([^()]*)\)$/s.exec(message)
  return match === null ? { text: message, id: "" } : { text: match[1]!, id: match[2]! }
}

/**
 * One error class per kind, each encoded as ZITADEL's body with the kind's status, so that the
 * OpenAPI document shows what a client really receives.
 */
const errorClass = <K extends ErrorKind>(kind: K) => {
  const Encoded = ErrorBody.annotations({ identifier: `${kind}Body` })
  class ApiError extends Schema.Class<ApiError>(`${kind}Error`)({
    kind: Schema.Literal(kind),
    id: Schema.String,
    message: Schema.String,
    detail: Schema.optional(Schema.String)
  }) {}
  const schema = Schema.transform(Encoded, Schema.typeSchema(ApiError), {
    strict: false,
    decode: (body) => {
      const detail = body.details[0]
      const { id, text } = parseMessage(body.message)
      return new ApiError({ kind, id: detail?.id ?? id, message: detail?.message ?? text })
    },
    encode: (error) => bodyOf(kind, error)
  }).annotations(HttpApiSchema.annotations({ status: kinds[kind].status }))
  const make = ({ detail, id, message }: ErrorFields) =>
    new ApiError(detail === undefined ? { kind, id, message } : { kind, id, message, detail })
  return Object.assign(schema, { make, ApiError })
}

export const InvalidArgument = errorClass("InvalidArgument")
export const NotFound = errorClass("NotFound")
export const AlreadyExists = errorClass("AlreadyExists")
export const PermissionDenied = errorClass("PermissionDenied")
export const PreconditionFailed = errorClass("PreconditionFailed")
export const Internal = errorClass("Internal")
export const Unavailable = errorClass("Unavailable")
export const Unauthenticated = errorClass("Unauthenticated")

const byKind = {
  InvalidArgument,
  NotFound,
  AlreadyExists,
  PermissionDenied,
  PreconditionFailed,
  Internal,
  Unavailable,
  Unauthenticated
}

export type ApiError = ReturnType<(typeof byKind)[ErrorKind]["make"]>

/** The only place a domain error becomes an HTTP one. Internal details never leave the server. */
export const fromDomain = (error: DomainError): ApiError =>
  error.kind === "Internal"
    ? Internal.make({ id: error.id, message: "Errors.Internal" })
    : byKind[error.kind].make(error)

/** Renders any kind as the response body and status, for errors raised outside an endpoint. */
export const render = (kind: ErrorKind, error: ErrorFields) => ({
  status: kinds[kind].status,
  body: bodyOf(kind, error)
})

