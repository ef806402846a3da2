import { Either } from "effect"
import type { Catalog } from "../catalog/catalog.js"
import { type DomainError, invalidArgument, notFound } from "../kernel/errors.js"
import {
  checkConditionExists,
  type Condition,
  executionId,
  validateCondition
} from "./condition.js"
import {
  type ExecutionEntry,
  type ExecutionEvent,
  includeEntry,
  targetEntry
} from "./events.js"
import { checkIncludeGraph, type IncludeGraph } from "./graph.js"
import { exists, type ExecutionState, includesOf } from "./state.js"

/** An entry as a caller names it: a target by id, an include by its condition. */
export type EntryInput =
  | { readonly _tag: "Target"; readonly targetId: string }
  | { readonly _tag: "Include"; readonly condition: Condition }

export const target = (targetId: string): EntryInput => ({ _tag: "Target", targetId })
export const include = (condition: Condition): EntryInput => ({ _tag: "Include", condition })

export interface SetExecutionInput {
  readonly instanceId: string
  readonly condition: Condition
  readonly entries: ReadonlyArray<EntryInput>
}

/** What the rules spanning aggregates look at: the catalog and the instance's aggregates. */
export interface ExecutionWorld {
  readonly catalog: Catalog
  /** Ids of the targets that exist (are active) in the instance. */
  readonly targets: ReadonlySet<string>
  /** Every execution of the instance, by id. */
  readonly executions: ReadonlyMap<string, ExecutionState>
}

type Checked<A> = Either.Either<A, DomainError>

const invalidEntry = (detail: string) =>
  Either.left(invalidArgument("EXEC-3ntrYv", "Errors.Execution.Invalid", detail))

/** Every entry must name a target (non-empty id) or a valid include condition. */
const resolveEntries = (
  entries: ReadonlyArray<EntryInput>
): Checked<ReadonlyArray<ExecutionEntry>> => {
  const resolved: Array<ExecutionEntry> = []
  for (const [index, entry] of entries.entries()) {
    switch (entry._tag) {
      case "Target":
        if (entry.targetId === "") return invalidEntry(`entry ${index + 1} names no target`)
        resolved.push(targetEntry(entry.targetId))
        break
      case "Include": {
        const valid = validateCondition(entry.condition)
        if (Either.isLeft(valid)) return Either.left(valid.left)
        resolved.push(includeEntry(executionId(entry.condition)))
        break
      }
      default:
        return invalidEntry(`entry ${index + 1} is neither a target nor an include`)
    }
  }
  return Either.right(resolved)
}

/**
 * The checks that need no stored state, in ZITADEL's order: the condition's shape, the entries'
 * shape, the condition against the catalog, then the ids. Gives the execution id and entries.
 */
export const validateSetExecution = (
  input: SetExecutionInput,
  catalog: Catalog
): Checked<{ readonly id: string; readonly entries: ReadonlyArray<ExecutionEntry> }> =>
  Either.gen(function*() {
    yield* validateCondition(input.condition)
    const entries = yield* resolveEntries(input.entries)
    yield* checkConditionExists(input.condition, catalog)
    const id = executionId(input.condition)
    if (input.instanceId === "" || id === "") {
      return yield* Either.left(invalidArgument("COMMAND-gg3a6ol4om", "Errors.IDMissing"))
    }
    return { id, entries }
  })

const sameEntry = (a: ExecutionEntry, b: ExecutionEntry) =>
  a._tag === "Target"
    ? b._tag === "Target" && a.targetId === b.targetId
    : b._tag === "Include" && a.executionId === b.executionId

/** Order-sensitive, as ZITADEL's `ExecutionTargetsEqual`. */
export const sameEntries = (a: ReadonlyArray<ExecutionEntry>, b: ReadonlyArray<ExecutionEntry>) =>
  a.length === b.length && a.every((entry, index) => sameEntry(entry, b[index]!))

const distinct = (ids: ReadonlyArray<string>) => new Set(ids).size === ids.length

/**
 * ZITADEL counts the distinct existing ids against the requested ones, so a duplicate fails
 * the same way as a missing id.
 */
const checkTargetsExist = (entries: ReadonlyArray<ExecutionEntry>, world: ExecutionWorld) => {
  const ids = entries.flatMap((entry) => entry._tag === "Target" ? [entry.targetId] : [])
  const missing = ids.find((id) => !world.targets.has(id))
  if (missing !== undefined) {
    return Either.left(notFound("COMMAND-17e8fq1ggk", "Errors.Target.NotFound", missing))
  }
  return distinct(ids) ? Either.void : Either.left(
    notFound("COMMAND-17e8fq1ggk", "Errors.Target.NotFound", "a target is listed twice")
  )
}

/**
 * An execution exists while it still runs something: an include, or a target that was not
 * removed since. This is what the read model lists (it drops removed targets), so an include
 * can only name an execution that a client can see.
 */
const runsSomething = (state: ExecutionState, world: ExecutionWorld): boolean =>
  exists(state) &&
  state.entries.some((entry) => entry._tag === "Include" || world.targets.has(entry.targetId))

const checkIncludesExist = (entries: ReadonlyArray<ExecutionEntry>, world: ExecutionWorld) => {
  const ids = entries.flatMap((entry) => entry._tag === "Include" ? [entry.executionId] : [])
  const missing = ids.find((id) => {
    const included = world.executions.get(id)
    return included === undefined || !runsSomething(included, world)
  })
  if (missing !== undefined) {
    return Either.left(notFound("COMMAND-slgj0l4cdz", "Errors.Execution.IncludeNotFound", missing))
  }
  return distinct(ids) ? Either.void : Either.left(
    notFound("COMMAND-slgj0l4cdz", "Errors.Execution.IncludeNotFound", "an include is listed twice")
  )
}

/** The include graph of every execution, with `id` given its new entries. */
export const includeGraphWith = (
  executions: ReadonlyMap<string, ExecutionState>,
  id: string,
  entries: ReadonlyArray<ExecutionEntry>
): IncludeGraph => {
  const graph = new Map<string, ReadonlyArray<string>>()
  for (const [other, state] of executions) graph.set(other, includesOf(state))
  graph.set(id, includesOf({ entries }))
  return graph
}

/**
 * SetExecution (D.3, D.4): validation, then every target must exist, then no event when the
 * stored list equals the new one, then every include must exist, then the include graph must
 * stay free of cycles and of chains deeper than ZITADEL allows. Writes the full list; an empty
 * list removes the execution.
 */
export const decideSetExecution = (
  state: ExecutionState,
  input: SetExecutionInput & { readonly world: ExecutionWorld }
): Checked<ReadonlyArray<ExecutionEvent>> =>
  Either.gen(function*() {
    const { id, entries } = yield* validateSetExecution(input, input.world.catalog)
    // Stricter than ZITADEL, which answers an unchanged list with success even when one of its
    // targets was removed since: a list naming a removed target is refused either way.
    yield* checkTargetsExist(entries, input.world)
    if (sameEntries(state.entries, entries)) return []

    yield* checkIncludesExist(entries, input.world)
    yield* checkIncludeGraph(includeGraphWith(input.world.executions, id, entries), id)

    return [{ _tag: "ExecutionSet", entries }]
  })
