import {
  HttpApiBuilder,
  HttpApiError,
  HttpServerError,
  type HttpApp,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import type { ErrorKind } from "@citadel/domain"
import { Cause, Effect, Option } from "effect"
import { render } from "./errors.js"

const respond = (kind: ErrorKind, id: string, message: string, detail?: string) => {
  const { body, status } = render(kind, { id, message, detail })
  return HttpServerResponse.unsafeJson(body, { status })
}

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`
    return text === "" ? String(key) : `${text}.${String(key)}`
  }, "")

/** Names the first offending field, e.g. `targets[0].timeout: expected …`. */
const describeDecodeError = (error: HttpApiError.HttpApiDecodeError): string => {
  const issue = error.issues[0]
  if (issue === undefined) return error.message
  const field = pathText(issue.path)
  return field === "" ? issue.message : `${field}: ${issue.message}`
}

const isRequestDecodeFailure = (defect: unknown): boolean =>
  HttpServerError.isServerError(defect) && defect._tag === "RequestError" &&
  defect.reason === "Decode"

/**
 * Turns what no endpoint declared into ZITADEL-shaped errors: unreadable input becomes 400 with
 * the field named, unknown routes 404, and anything unexpected a 500 that says nothing more.
 */
export const errorMiddleware = HttpApiBuilder.middleware((app) =>
  app.pipe(
    Effect.catchAllCause((cause) => {
      const failure = Cause.failureOption(cause)
      if (Option.isSome(failure)) {
        const error: unknown = failure.value
        if (error instanceof HttpApiError.HttpApiDecodeError) {
          return Effect.succeed(respond(
            "InvalidArgument",
            "API-d3c0d",
            "Errors.Invalid.Argument",
            describeDecodeError(error)
          ))
        }
        if (HttpServerError.isServerError(error) && error._tag === "RouteNotFound") {
          return Effect.succeed(respond("NotFound", "API-n0r0u", "Errors.Route.NotFound"))
        }
        return Effect.failCause(cause)
      }
      const defect = Cause.dieOption(cause)
      if (Option.isSome(defect) && isRequestDecodeFailure(defect.value)) {
        return Effect.succeed(respond(
          "InvalidArgument",
          "API-j50n1",
          "Errors.Invalid.Argument",
          "the body is not valid JSON"
        ))
      }
      if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
      return Effect.logError("Request failed unexpectedly", cause).pipe(
        Effect.as(respond("Internal", "API-1nt3r", "Errors.Internal"))
      )
    })
  )
)

/**
 * Before routing: the management API speaks JSON whatever the client says it sends (ZITADEL's
 * gateway does the same), so a body sent as a form by a careless client is still read as JSON;
 * and a path holding an encoded NUL character, which no id can contain, is refused.
 */
export const normalizeRequest = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    request.url.includes("%00")
      ? Effect.succeed(respond(
        "InvalidArgument",
        "API-nu1l0",
        "Errors.Invalid.Argument",
        "the path must not contain a NUL character"
      ))
      : Effect.provideService(
        app,
        HttpServerRequest.HttpServerRequest,
        request.modify({ headers: { ...request.headers, "content-type": "application/json" } })
      ))
