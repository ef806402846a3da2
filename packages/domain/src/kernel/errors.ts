import { Data } from "effect"

/**
 * The kinds of failure ZITADEL distinguishes (its `zerrors` package). The HTTP layer maps each
 * kind to a status once; the domain never speaks of statuses.
 */
export type ErrorKind =
  | "InvalidArgument"
  | "NotFound"
  | "AlreadyExists"
  | "PreconditionFailed"
  | "PermissionDenied"
  | "Unauthenticated"
  | "Internal"
  | "Unavailable"

/**
 * A refusal or failure with a stable id (e.g. `COMMAND-5r4Tx`) and ZITADEL's message key
 * (e.g. `Errors.Target.NotFound`). `detail` is optional human-readable context that never holds
 * a secret.
 */
export class DomainError extends Data.TaggedError("DomainError")<{
  readonly kind: ErrorKind
  readonly id: string
  readonly message: string
  readonly detail?: string
}> {}

const make = (kind: ErrorKind) => (id: string, message: string, detail?: string): DomainError =>
  new DomainError(detail === undefined ? { kind, id, message } : { kind, id, message, detail })

export const invalidArgument = make("InvalidArgument")
export const notFound = make("NotFound")
export const alreadyExists = make("AlreadyExists")
export const preconditionFailed = make("PreconditionFailed")
export const permissionDenied = make("PermissionDenied")
export const unauthenticated = make("Unauthenticated")
export const internal = make("Internal")
export const unavailable = make("Unavailable")
