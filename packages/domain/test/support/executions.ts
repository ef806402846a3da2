import {
  actionServiceMethods,
  eventTypes,
  makeCatalog
} from "../../src/catalog/index.js"
import {
  type Condition,
  decideSetExecution,
  type EntryInput,
  type ExecutionEntry,
  executionId,
  type ExecutionState,
  type ExecutionWorld,
  initial,
  request
} from "../../src/execution/index.js"

/** Services `a` … `f` (one method each), the action service, and a few event types. */
export const testCatalog = makeCatalog({
  methods: [...["a", "b", "c", "d", "e", "f"].map((s) => `/${s}/Call`), ...actionServiceMethods],
  eventTypes: [...eventTypes, "user.human.added", "user.human.changed"]
})

/** `request/<name>`: the execution of request service `name`. */
export const svc = (name: string): Condition => request({ service: name })

/** A world of existing targets and executions (id → entries). */
export const worldOf = (
  targets: ReadonlyArray<string>,
  executions: Record<string, ReadonlyArray<ExecutionEntry>>
): ExecutionWorld => ({
  catalog: testCatalog,
  targets: new Set(targets),
  executions: new Map(
    Object.entries(executions).map(([id, entries]): [string, ExecutionState] => [id, { entries }])
  )
})

/** Decides SetExecution for `condition` against the world, the execution's state taken from it. */
export const setIn = (
  world: ExecutionWorld,
  condition: Condition,
  entries: ReadonlyArray<EntryInput>
) =>
  decideSetExecution(world.executions.get(executionId(condition)) ?? initial, {
    instanceId: "instance",
    condition,
    entries,
    world
  })
