import type { DomainError } from "@citadel/domain"
import { Effect } from "effect"
import { type ApiError, fromDomain, Internal } from "../api/errors.js"

/**
 * Maps what a handler can fail with to a declared API error: refusals keep their kind, id and
 * message; infrastructure failures are logged here and answer a bare 500.
 */
export const toApiError = (
  error: DomainError | { readonly _tag: "EventStoreError" | "SqlError" }
): Effect.Effect<never, ApiError> =>
  error._tag === "DomainError"
    ? Effect.fail(fromDomain(error as DomainError))
    : Effect.logError("Storage failed while handling a request").pipe(
      Effect.annotateLogs({ error: error._tag }),
      Effect.zipRight(Effect.fail(Internal.make({ id: "API-st0r3", message: "Errors.Internal" })))
    )
