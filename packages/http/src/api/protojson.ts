import { JSONSchema, ParseResult, Schema } from "effect"

/**
 * Helpers for the JSON that ZITADEL's REST gateway speaks (protobuf's JSON mapping): enums as
 * their names or numbers, durations as `"10s"` strings, 64-bit integers as strings, and field
 * names in lowerCamelCase or in the proto's snake_case.
 */

/** An enum accepted by name or by number, always encoded by name. */
export const ProtoEnum = <const Names extends ReadonlyArray<string>>(
  identifier: string,
  names: Names
) => {
  const byName = Schema.Literal(...names)
  const numbers = names.map((_, index) => index)
  const byNumber = Schema.Literal(...numbers).pipe(
    Schema.transform(byName, {
      strict: true,
      decode: (n) => names[n] as Names[number],
      encode: (name) => names.indexOf(name)
    })
  )
  return Schema.Union(byName, byNumber).annotations({
    title: identifier,
    message: () => ({ message: `expected one of ${names.join(", ")}`, override: true })
  })
}

const durationPattern = /^(-?)(\d{1,12})(?:\.(\d{1,9}))?s$/

/** A protobuf Duration (`"1.5s"`) as integer nanoseconds. */
export const Duration = Schema.transformOrFail(Schema.String, Schema.BigIntFromSelf, {
  strict: true,
  decode: (text, _, ast) => {
    const match = durationPattern.exec(text)
    if (match === null) {
      return ParseResult.fail(
        new ParseResult.Type(ast, text, "a duration such as \"10s\" or \"0.5s\"")
      )
    }
    const [, sign, seconds, fraction = ""] = match
    const nanos = BigInt(seconds!) * 1_000_000_000n + BigInt(fraction.padEnd(9, "0"))
    return ParseResult.succeed(sign === "-" ? -nanos : nanos)
  },
  encode: (nanos) => {
    const sign = nanos < 0n ? "-" : ""
    const abs = nanos < 0n ? -nanos : nanos
    const seconds = abs / 1_000_000_000n
    const fraction = (abs % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "")
    return ParseResult.succeed(`${sign}${seconds}${fraction === "" ? "" : `.${fraction}`}s`)
  }
}).annotations({ title: "Duration", description: "protobuf Duration, e.g. \"10s\"" })

/** A uint64 as protobuf JSON writes it (a decimal string); numbers are accepted on input. */
export const UInt64 = Schema.Union(
  Schema.NumberFromString,
  Schema.Number
).pipe(Schema.compose(Schema.NonNegativeInt, { strict: false }))
  .annotations({ title: "UInt64" })

/** Writes a count as protobuf JSON does: a decimal string. */
export const UInt64Out = Schema.NumberFromString.annotations({ identifier: "UInt64String" })

export const Timestamp = Schema.Date.annotations({
  identifier: "Timestamp",
  description: "RFC 3339 date-time"
})

const camel = (key: string): string =>
  key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/** Rewrites snake_case keys to lowerCamelCase, recursively, as protojson accepts both. */
export const camelKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(camelKeys)
  if (value === null || typeof value !== "object") return value
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) out[camel(key)] = camelKeys(inner)
  return out
}

/**
 * A request body schema that also accepts the proto's snake_case field names. The OpenAPI
 * document shows the camelCase form. An empty body (which the server reads as null) is the
 * empty message, as ZITADEL's REST gateway treats it.
 */
export const RequestBody = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const { $schema: _, ...jsonSchema } = JSONSchema.make(schema)
  return Schema.transformOrFail(Schema.Unknown, schema, {
    strict: false,
    decode: (body, _, ast) => {
      const normalized = camelKeys(body === null ? {} : body)
      const path = nulPath(normalized, [])
      if (path === undefined) return ParseResult.succeed(normalized)
      const issue = new ParseResult.Type(ast, body, nulMessage)
      const [head, ...tail] = path
      return ParseResult.fail(
        head === undefined ? issue : new ParseResult.Pointer([head, ...tail], normalized, issue)
      )
    },
    encode: ParseResult.succeed
  }).annotations({ jsonSchema })
}

const nulMessage = "must not contain a NUL character"

/** Where a string holding U+0000 sits, which no text column can store. */
const nulPath = (value: unknown, path: Array<PropertyKey>): Array<PropertyKey> | undefined => {
  if (typeof value === "string") return value.includes("\u0000") ? path : undefined
  if (value === null || typeof value !== "object") return undefined
  for (const [key, inner] of Object.entries(value)) {
    const found = nulPath(inner, [...path, Array.isArray(value) ? Number(key) : key])
    if (found !== undefined) return found
  }
  return undefined
}
