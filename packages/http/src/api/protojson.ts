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

/** How deep a request body may nest; no request of this API comes near it. */
export const maxBodyDepth = 32

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

type Normalized =
  | { readonly value: unknown }
  | { readonly path: ReadonlyArray<PropertyKey>; readonly problem: string }

const problemOf = (text: string): string | undefined =>
  text.includes("\u0000")
    ? "must not contain a NUL character"
    : loneSurrogate.test(text)
    ? "must be valid Unicode (it holds a lone surrogate)"
    : undefined

/**
 * Rewrites snake_case keys to lowerCamelCase, as protojson accepts both, and finds what no
 * field may hold: text no column can store (NUL, lone surrogates) and nesting deeper than
 * `maxBodyDepth`, which would otherwise exhaust the stack.
 */
const normalize = (
  value: unknown,
  path: Array<PropertyKey>,
  maps: ReadonlySet<string>,
  verbatimKeys = false
): Normalized => {
  if (typeof value === "string") {
    const problem = problemOf(value)
    return problem === undefined ? { value } : { path, problem }
  }
  if (value === null || typeof value !== "object") return { value }
  if (path.length >= maxBodyDepth) {
    return { path, problem: `must not nest deeper than ${maxBodyDepth} levels` }
  }
  const isArray = Array.isArray(value)
  const out: Record<string, unknown> | Array<unknown> = isArray ? [] : {}
  for (const [key, inner] of Object.entries(value)) {
    const name = isArray ? Number(key) : verbatimKeys ? key : camel(key)
    const keyProblem = isArray ? undefined : problemOf(key)
    if (keyProblem !== undefined) return { path: [...path, key], problem: keyProblem }
    const isMap = typeof name === "string" && maps.has(name)
    const result = normalize(inner, [...path, name], maps, isMap)
    if (!("value" in result)) return result
    ;(out as Record<PropertyKey, unknown>)[name] = result.value
  }
  return { value: out }
}

/** Replaces `#/$defs/…` references by their definitions, so a body schema stands alone. */
const inlineDefinitions = (schema: unknown, defs: Readonly<Record<string, unknown>>): unknown => {
  if (Array.isArray(schema)) return schema.map((item) => inlineDefinitions(item, defs))
  if (schema === null || typeof schema !== "object") return schema
  const ref = (schema as { readonly $ref?: unknown }).$ref
  if (typeof ref === "string" && ref.startsWith("#/$defs/")) {
    return inlineDefinitions(defs[ref.slice("#/$defs/".length)], defs)
  }
  return Object.fromEntries(
    Object.entries(schema).map(([key, inner]) => [key, inlineDefinitions(inner, defs)])
  )
}

/**
 * A request body schema that also accepts the proto's snake_case field names. The OpenAPI
 * document shows the camelCase form. An empty body (which the server reads as null) is the
 * empty message, as ZITADEL's REST gateway treats it. The keys of the map fields named in
 * `maps` (say `metadata`) are the client's data and are kept as written.
 */
export const RequestBody = <A, I>(
  schema: Schema.Schema<A, I, never>,
  maps: ReadonlyArray<string> = []
) => {
  const mapFields = new Set(maps)
  const { $defs = {}, $schema: _, ...jsonSchema } = JSONSchema.make(schema)
  return Schema.transformOrFail(Schema.Unknown, schema, {
    strict: false,
    decode: (body, _, ast) => {
      const normalized = normalize(body === null ? {} : body, [], mapFields)
      if ("value" in normalized) return ParseResult.succeed(normalized.value)
      const issue = new ParseResult.Type(ast, body, normalized.problem)
      const [head, ...tail] = normalized.path
      return ParseResult.fail(
        head === undefined ? issue : new ParseResult.Pointer([head, ...tail], body, issue)
      )
    },
    encode: ParseResult.succeed
  }).annotations({ jsonSchema: inlineDefinitions(jsonSchema, $defs) as object })
}
