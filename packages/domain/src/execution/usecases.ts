import { Effect } from "effect"
import type { Catalog } from "../catalog/catalog.js"
import type { ObjectDetails } from "../kernel/details.js"
import type { DomainError } from "../kernel/errors.js"
import type { Clock } from "../ports/Clock.js"
import type { EventStore, EventStoreError, Expectation } from "../ports/EventStore.js"
import { targetAggregate } from "../target/aggregate.js"
import { exists as targetExists } from "../target/state.js"
import { execute } from "../usecases/execute.js"
import { expectUnchanged, loadAllAggregates } from "../usecases/load.js"
import { executionAggregate } from "./aggregate.js"
import {
  type ExecutionWorld,
  decideSetExecution,
  type SetExecutionInput,
  validateSetExecution
} from "./decide.js"
import type { ExecutionState } from "./state.js"

export interface SetExecutionRequest extends SetExecutionInput {
  readonly creator: string
}

/**
 * Loads every target and execution of the instance, with an expectation on every execution it
 * read and on every target the new list names: if another writer changes any of them before
 * the append (say, adds an include that would close a cycle), the append fails and the command
 * is decided again on fresh state.
 */
const loadWorld = (
  instanceId: string,
  catalog: Catalog,
  referencedTargets: ReadonlyArray<string>
) =>
  Effect.gen(function*() {
    const targets = yield* loadAllAggregates(targetAggregate, instanceId)
    const executions = yield* loadAllAggregates(executionAggregate, instanceId)

    const expectations: Array<Expectation> = []
    const states = new Map<string, ExecutionState>()
    for (const loaded of executions.values()) {
      states.set(loaded.id, loaded.state)
      expectations.push(expectUnchanged(executionAggregate, instanceId, loaded))
    }
    const existing = new Set<string>()
    for (const loaded of targets.values()) {
      if (targetExists(loaded.state)) existing.add(loaded.id)
      if (referencedTargets.includes(loaded.id)) {
        expectations.push(expectUnchanged(targetAggregate, instanceId, loaded))
      }
    }
    const world: ExecutionWorld = { catalog, targets: existing, executions: states }
    // Every execution of the instance, counted: an execution written meanwhile, even a new
    // one, fails the append, so two writers cannot together build a cycle or too long a chain.
    let events = 0
    for (const loaded of executions.values()) events += loaded.sequence
    const typeExpectations = [
      { instanceId, aggregateType: executionAggregate.type, events }
    ]
    return { value: world, expectations, typeExpectations }
  })

/**
 * Sets the ordered entries of the execution a condition names; an empty list removes it.
 * Fails with InvalidArgument (bad condition or entry, before any read), NotFound (unknown
 * condition, target or include) or PreconditionFailed (include cycle or too deep a chain).
 */
export const setExecution = (
  request: SetExecutionRequest,
  catalog: Catalog
): Effect.Effect<ObjectDetails, DomainError | EventStoreError, EventStore | Clock> =>
  Effect.gen(function*() {
    const { creator, ...input } = request
    const { id } = yield* validateSetExecution(input, catalog)
    const referencedTargets = input.entries.flatMap((entry) =>
      entry._tag === "Target" ? [entry.targetId] : []
    )

    return yield* execute({
      aggregate: executionAggregate,
      instanceId: input.instanceId,
      aggregateId: id,
      owner: input.instanceId,
      creator,
      context: loadWorld(input.instanceId, catalog, referencedTargets),
      decide: (state, world) => decideSetExecution(state, { ...input, world })
    })
  })
