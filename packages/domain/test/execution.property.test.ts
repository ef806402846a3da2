import { describe, expect, it } from "@effect/vitest"
import { Duration, Either, FastCheck, Option } from "effect"
import {
  decideSetExecution,
  type EntryInput,
  executionAggregate,
  executionId,
  type ExecutionState,
  executionsReadModel,
  findCycleFrom,
  include,
  includesOf,
  initial as noExecution,
  longestPathFrom,
  maxIncludeEdges,
  target
} from "../src/execution/index.js"
import type { AggregateSpec, StoredEvent } from "../src/kernel/index.js"
import {
  addTarget,
  changeTarget,
  exists,
  initial as noTarget,
  PayloadType,
  removeTarget,
  targetAggregate,
  type TargetState,
  TargetType
} from "../src/target/index.js"
import { fakeEncrypt } from "./support/fakes.js"
import { svc, testCatalog } from "./support/executions.js"

const services = ["a", "b", "c", "d", "e", "f"]

type Command =
  | { readonly _tag: "AddTarget" }
  | { readonly _tag: "ChangeTarget"; readonly target: number; readonly seconds: number }
  | { readonly _tag: "RemoveTarget"; readonly target: number }
  | {
    readonly _tag: "SetExecution"
    readonly execution: number
    readonly entries: ReadonlyArray<
      { readonly kind: "target"; readonly index: number } | {
        readonly kind: "include"
        readonly index: number
      }
    >
  }

const entry = FastCheck.oneof(
  {
    weight: 1,
    arbitrary: FastCheck.record({
      kind: FastCheck.constant("target" as const),
      index: FastCheck.nat(7)
    })
  },
  {
    weight: 2,
    arbitrary: FastCheck.record({
      kind: FastCheck.constant("include" as const),
      index: FastCheck.nat(5)
    })
  }
)

const command: FastCheck.Arbitrary<Command> = FastCheck.oneof(
  { weight: 2, arbitrary: FastCheck.constant({ _tag: "AddTarget" as const }) },
  {
    weight: 1,
    arbitrary: FastCheck.record({
      _tag: FastCheck.constant("ChangeTarget" as const),
      target: FastCheck.nat(7),
      seconds: FastCheck.integer({ min: 1, max: 270 })
    })
  },
  {
    weight: 1,
    arbitrary: FastCheck.record({
      _tag: FastCheck.constant("RemoveTarget" as const),
      target: FastCheck.nat(7)
    })
  },
  {
    weight: 6,
    arbitrary: FastCheck.record({
      _tag: FastCheck.constant("SetExecution" as const),
      execution: FastCheck.nat(5),
      entries: FastCheck.oneof(
        { weight: 1, arbitrary: FastCheck.constant([]) },
        { weight: 9, arbitrary: FastCheck.array(entry, { minLength: 1, maxLength: 3 }) }
      )
    })
  }
)

const commands = FastCheck.array(command, { minLength: 10, maxLength: 80, size: "max" })

/**
 * Runs commands through the deciders over an in-memory fold, and keeps the stored form of every
 * accepted event, in order, as one instance's event log.
 */
const run = (script: ReadonlyArray<Command>) => {
  const targets = new Map<string, TargetState>()
  const executions = new Map<string, ExecutionState>()
  const log: Array<StoredEvent> = []
  const sequences = new Map<string, number>()
  let created = 0

  const record = <S, E>(
    spec: AggregateSpec<S, E>,
    id: string,
    state: S,
    events: ReadonlyArray<E>
  ) => {
    let next = state
    for (const event of events) {
      const sequence = (sequences.get(`${spec.type}/${id}`) ?? 0) + 1
      sequences.set(`${spec.type}/${id}`, sequence)
      const { type, payload } = spec.encode(event)
      log.push({
        aggregate: { instanceId: "instance", type: spec.type, id, owner: "instance", version: 1 },
        type,
        payload,
        creator: "user",
        createdAt: new Date(0),
        sequence,
        position: { position: log.length + 1, inTxOrder: 0 }
      })
      next = spec.model.evolve(next, event)
    }
    return next
  }

  const targetId = (index: number) => created === 0 ? "t-none" : `t${index % created}`

  for (const step of script) {
    switch (step._tag) {
      case "AddTarget": {
        // ids are never reused, as generated ids are not
        const id = `t${created++}`
        const decision = addTarget(noTarget, {
          instanceId: "instance",
          name: `target ${id}`,
          targetType: TargetType.Webhook,
          endpoint: "https://example.com/hook",
          timeout: Duration.seconds(10),
          interruptOnError: false,
          payloadType: PayloadType.Json,
          signingKey: fakeEncrypt(id)
        })
        if (Either.isRight(decision) && decision.right.length > 0) {
          targets.set(id, record(targetAggregate, id, noTarget, decision.right))
        }
        break
      }
      case "ChangeTarget":
      case "RemoveTarget": {
        const id = targetId(step.target)
        const state = targets.get(id) ?? noTarget
        const decision = step._tag === "ChangeTarget"
          ? changeTarget(state, {
            instanceId: "instance",
            id,
            timeout: Duration.seconds(step.seconds)
          })
          : removeTarget(state, { instanceId: "instance", id })
        if (Either.isRight(decision) && decision.right.length > 0) {
          targets.set(id, record(targetAggregate, id, state, decision.right))
        }
        break
      }
      case "SetExecution": {
        const condition = svc(services[step.execution]!)
        const id = executionId(condition)
        const entries = step.entries.map((e): EntryInput =>
          e.kind === "target" ? target(targetId(e.index)) : include(svc(services[e.index]!))
        )
        const existing = new Set([...targets].filter(([, s]) => exists(s)).map(([id]) => id))
        const state = executions.get(id) ?? noExecution
        const decision = decideSetExecution(state, {
          instanceId: "instance",
          condition,
          entries,
          world: { catalog: testCatalog, targets: existing, executions }
        })
        if (Either.isRight(decision) && decision.right.length > 0) {
          executions.set(id, record(executionAggregate, id, state, decision.right))
        }
        break
      }
    }
  }
  return { targets, executions, log }
}

const foldLog = <S, E>(spec: AggregateSpec<S, E>, log: ReadonlyArray<StoredEvent>) => {
  const states = new Map<string, S>()
  for (const stored of log) {
    if (stored.aggregate.type !== spec.type) continue
    const event = spec.decode(stored)
    if (Option.isNone(event)) throw new Error(`cannot decode ${stored.type}`)
    const before = states.get(stored.aggregate.id) ?? spec.model.initial
    states.set(stored.aggregate.id, spec.model.evolve(before, event.value))
  }
  return states
}

const includeGraph = (executions: ReadonlyMap<string, ExecutionState>) =>
  new Map([...executions].map(([id, state]) => [id, includesOf(state)]))

const options = { fastCheck: { numRuns: 300 } }

describe("Execution properties", () => {
  it.prop("the include graph never holds a cycle, whatever the commands", [commands], ([s]) => {
    const graph = includeGraph(run(s).executions)
    for (const id of graph.keys()) expect(findCycleFrom(graph, id)).toBeUndefined()
  }, options)

  it.prop("no include chain is deeper than ZITADEL allows, whatever the commands", [
    commands
  ], ([s]) => {
    const graph = includeGraph(run(s).executions)
    for (const id of graph.keys()) {
      expect(longestPathFrom(graph, id).length - 1).toBeLessThanOrEqual(maxIncludeEdges)
    }
  }, options)

  it.prop("every target the read model lists exists", [commands], ([script]) => {
    const { targets, log } = run(script)
    for (const entries of executionsReadModel(log).values()) {
      for (const entry of entries) {
        if (entry._tag === "Target") expect(exists(targets.get(entry.targetId)!)).toBe(true)
      }
    }
  }, options)

  it.prop(
    "the read model is the write model without removed targets",
    [commands],
    ([script]) => {
      const { targets, executions, log } = run(script)
      const expected = new Map(
        [...executions]
          .map(([id, state]) =>
            [
              id,
              state.entries.filter((e) =>
                e._tag === "Include" || exists(targets.get(e.targetId) ?? noTarget)
              )
            ] as const
          )
          .filter(([, entries]) => entries.length > 0)
      )
      expect(new Map([...executionsReadModel(log)].sort())).toEqual(new Map([...expected].sort()))
    },
    options
  )

  it.prop("folding the stored events is deterministic and gives the decided states", [
    commands
  ], ([script]) => {
    const { targets, executions, log } = run(script)
    expect(foldLog(executionAggregate, log)).toEqual(foldLog(executionAggregate, log))
    expect(foldLog(targetAggregate, log)).toEqual(foldLog(targetAggregate, log))
    expect(foldLog(executionAggregate, log)).toEqual(executions)
    expect(foldLog(targetAggregate, log)).toEqual(targets)
    expect(executionsReadModel(log)).toEqual(executionsReadModel([...log]))
  }, options)
})
