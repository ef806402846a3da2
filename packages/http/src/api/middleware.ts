import {
  HttpApiBuilder,
  HttpApiError,
  HttpIncomingMessage,
  HttpServerError,
  type HttpApp,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import type { ErrorKind } from "@citadel/domain"
import { Cause, Effect, Option } from "effect"
import { type ApiError, render } from "./errors.js"

const respond = (kind: ErrorKind, id: string, message: string, detail?: string) => {
  const { body, status } = render(kind, { id, message, detail })
  return HttpServerResponse.unsafeJson(body, { status })
}

/** The largest request body read; nothing this API takes comes near it. */
export const maxBodyBytes = 1024 * 1024

const tooLarge = () =>
  HttpServerResponse.unsafeJson(
    render("InvalidArgument", {
      id: "API-b0dy1",
      message: "Errors.Invalid.Argument",
      detail: `the body is larger than ${maxBodyBytes} bytes`
    }).body,
    { status: 413 }
  )

/** Long enough to name what was wrong; short enough never to echo a large value back. */
const maxDetailLength = 300

const clip = (text: string) =>
  text.length <= maxDetailLength ? text : `${text.slice(0, maxDetailLength)}…`

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
  return clip(field === "" ? issue.message : `${field}: ${issue.message}`)
}

const requestDecodeFailure = (defect: unknown) =>
  HttpServerError.isServerError(defect) && defect._tag === "RequestError" &&
    defect.reason === "Decode"
    ? defect
    : undefined

const isBodyTooLarge = (error: HttpServerError.RequestError): boolean =>
  error.cause instanceof Error && error.cause.message === "maxBytes exceeded"

const isUnauthenticated = (error: unknown): error is ApiError =>
  typeof error === "object" && error !== null && "kind" in error &&
  error.kind === "Unauthenticated" && "id" in error

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
        if (isUnauthenticated(error)) {
          // RFC 6750, section 3: a 401 names the scheme the client must use.
          const { body, status } = render("Unauthenticated", error)
          return Effect.succeed(HttpServerResponse.unsafeJson(body, {
            status,
            headers: { "www-authenticate": "Bearer realm=\"citadel\"" }
          }))
        }
        if (HttpServerError.isServerError(error) && error._tag === "RouteNotFound") {
          return Effect.succeed(respond("NotFound", "API-n0r0u", "Errors.Route.NotFound"))
        }
        return Effect.failCause(cause)
      }
      const defect = Cause.dieOption(cause)
      const decodeFailure = Option.isSome(defect) ? requestDecodeFailure(defect.value) : undefined
      if (decodeFailure !== undefined) {
        if (isBodyTooLarge(decodeFailure)) return Effect.succeed(tooLarge())
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
 * a path holding an encoded NUL character, which no id can contain, is refused; and so is a
 * body over `maxBodyBytes` (413).
 */
export const normalizeRequest = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    if (request.url.includes("%00")) {
      return Effect.succeed(respond(
        "InvalidArgument",
        "API-nu1l0",
        "Errors.Invalid.Argument",
        "the path must not contain a NUL character"
      ))
    }
    if (Number(request.headers["content-length"] ?? 0) > maxBodyBytes) {
      return Effect.succeed(tooLarge())
    }
    return Effect.provideService(
      app,
      HttpServerRequest.HttpServerRequest,
      request.modify({ headers: { ...request.headers, "content-type": "application/json" } })
    ).pipe(HttpIncomingMessage.withMaxBodySize(Option.some(maxBodyBytes)))
  })
