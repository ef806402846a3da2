import { Execution, invalidArgument, type DomainError } from "@citadel/domain"
import { Effect, type Schema } from "effect"
import type { Condition as ConditionSchema, ExecutionEntry } from "../api/actions.js"

type ApiCondition = Schema.Schema.Type<typeof ConditionSchema>
type ApiEntry = Schema.Schema.Type<typeof ExecutionEntry>

const invalidCondition = (detail: string) =>
  invalidArgument("EXEC-c0nd1t", "Errors.Execution.Invalid", detail)

/** The domain condition of `{"request": {...}}` and its kin; exactly one kind must be set. */
export const toCondition = (
  condition: ApiCondition
): Effect.Effect<Execution.Condition, DomainError> => {
  const kinds = [
    condition.request === undefined ? [] : [Execution.request(condition.request)],
    condition.response === undefined ? [] : [Execution.response(condition.response)],
    condition.function === undefined ? [] : [Execution.fn(condition.function.name)],
    condition.event === undefined ? [] : [Execution.event(condition.event)]
  ].flat()
  if (kinds.length === 1) return Effect.succeed(kinds[0]!)
  return Effect.fail(invalidCondition(
    kinds.length === 0
      ? "condition: one of request, response, function or event must be set"
      : "condition: only one of request, response, function or event may be set"
  ))
}

/** The API form of a domain condition, each kind under its own key. */
export const fromCondition = (condition: Execution.Condition): ApiCondition => {
  switch (condition._tag) {
    case "Request":
    case "Response": {
      const api = condition.method !== undefined
        ? { method: condition.method }
        : condition.service !== undefined
        ? { service: condition.service }
        : { all: true }
      return condition._tag === "Request" ? { request: api } : { response: api }
    }
    case "Function":
      return { function: { name: condition.name } }
    case "Event":
      return {
        event: condition.event !== undefined
          ? { event: condition.event }
          : condition.group !== undefined
          ? { group: condition.group }
          : { all: true }
      }
  }
}

/** v2's plain ids and v2beta's `{"target"}` / `{"include"}` entries, in order. */
export const toEntries = (
  entries: ReadonlyArray<ApiEntry>
): Effect.Effect<ReadonlyArray<Execution.EntryInput>, DomainError> =>
  Effect.forEach(entries, (entry) => {
    if (typeof entry === "string") return Effect.succeed(Execution.target(entry))
    if ("target" in entry) return Effect.succeed(Execution.target(entry.target))
    return Effect.map(toCondition(entry.include), Execution.include)
  })

/**
 * Targets as plain ids, includes as `{"include": condition}`. An include whose id no condition
 * maps to (only ZITADEL's oldest, dot-joined ids) cannot be shown as a condition and is left out.
 */
export const fromEntries = (entries: ReadonlyArray<Execution.ExecutionEntry>): Array<ApiEntry> =>
  entries.flatMap((entry): Array<ApiEntry> => {
    if (entry._tag === "Target") return [entry.targetId]
    const condition = Execution.conditionOfId(entry.executionId)
    return condition === undefined ? [] : [{ include: fromCondition(condition) }]
  })
