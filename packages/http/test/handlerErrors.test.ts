import { invalidArgument, internal, EventStoreError } from "@citadel/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Errors from "../src/api/errors.js"
import { toApiError } from "../src/handlers/errors.js"

interface Body {
  readonly code: number
  readonly message: string
  readonly details: ReadonlyArray<unknown>
}

const bodyOf = (error: Errors.ApiError): Body => {
  const schemas = [Errors.InvalidArgument, Errors.Internal] as const
  for (const schema of schemas) {
    const encoded = Schema.encodeEither(schema as Schema.Schema<Errors.ApiError, unknown>)(error)
    if (encoded._tag === "Right") return encoded.right as Body
  }
  throw new Error("no schema encodes the error")
}

describe("toApiError", () => {
  it.effect("keeps a refusal's kind, id, message and detail", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        toApiError(invalidArgument("TARGET-x", "Errors.Target.Invalid", "name is empty"))
      )
      expect(bodyOf(error)).toEqual({
        code: 3,
        message: "Errors.Target.Invalid: name is empty (TARGET-x)",
        details: [{
          "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
          id: "TARGET-x",
          message: "Errors.Target.Invalid"
        }]
      })
    }))

  it.effect("answers a bare Errors.Internal for a storage failure [cause hidden]", () =>
    Effect.gen(function*() {
      const failure = new EventStoreError({ reason: "unavailable", cause: new Error("db secret") })
      const error = yield* Effect.flip(toApiError(failure))
      expect(bodyOf(error)).toEqual({
        code: 13,
        message: "Errors.Internal (API-st0r3)",
        details: [{
          "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
          id: "API-st0r3",
          message: "Errors.Internal"
        }]
      })
    }))

  it.effect("drops the detail of an internal domain error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(toApiError(internal("CRYPT-1", "Errors.Crypto", "key 42")))
      expect(JSON.stringify(bodyOf(error))).not.toContain("key 42")
      expect(bodyOf(error).code).toBe(13)
    }))
})
