import { type HttpApp, HttpMiddleware, HttpServerRequest } from "@effect/platform"
import { Context, Effect } from "effect"

/** The request as the client sent it, kept aside while the access log sees a shortened one. */
class ReceivedRequest extends Context.Tag("citadel/http/ReceivedRequest")<
  ReceivedRequest,
  HttpServerRequest.HttpServerRequest
>() {}

/**
 * The access log: one line per request with its method, status and path, but never its query.
 * A query may carry a secret (GetSession reads the session token from `sessionToken`), and no
 * secret reaches a log. The app itself still sees the whole request.
 */
export const requestLogger = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> => {
  const logged = HttpMiddleware.logger(
    Effect.flatMap(ReceivedRequest, (request) =>
      Effect.provideService(app, HttpServerRequest.HttpServerRequest, request))
  )
  return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const queryAt = request.url.indexOf("?")
    const shown = queryAt < 0 ? request : request.modify({ url: request.url.slice(0, queryAt) })
    return logged.pipe(
      Effect.provideService(ReceivedRequest, request),
      Effect.provideService(HttpServerRequest.HttpServerRequest, shown)
    )
  })
}
