import { Option } from "effect"
import type { StoredEvent } from "../kernel/event.js"
import { TargetEventType } from "../target/events.js"
import { executionAggregate } from "./aggregate.js"
import type { ExecutionEntry } from "./events.js"
import { evolve, initial } from "./state.js"

/**
 * What the executions read model must hold after the given events of one instance, in the
 * order they were written: execution id → its entries, in order (ZITADEL's
 * `executions1_targets` rows by position). A `target.removed` deletes that target's entries
 * from every execution, as ZITADEL's projection deletes the rows; no execution event is
 * written for it. Executions left without entries are absent, as `ListExecutions` lists only
 * executions with at least one entry.
 */
export const executionsReadModel = (
  events: Iterable<StoredEvent>
): ReadonlyMap<string, ReadonlyArray<ExecutionEntry>> => {
  const rows = new Map<string, ReadonlyArray<ExecutionEntry>>()
  for (const stored of events) {
    if (stored.aggregate.type === executionAggregate.type) {
      const event = executionAggregate.decode(stored)
      if (Option.isNone(event)) continue
      const before = { entries: rows.get(stored.aggregate.id) ?? initial.entries }
      rows.set(stored.aggregate.id, evolve(before, event.value).entries)
    } else if (stored.aggregate.type === "target" && stored.type === TargetEventType.removed) {
      const removed = stored.aggregate.id
      for (const [id, entries] of rows) {
        rows.set(id, entries.filter((e) => !(e._tag === "Target" && e.targetId === removed)))
      }
    }
  }
  for (const [id, entries] of rows) {
    if (entries.length === 0) rows.delete(id)
  }
  return rows
}
