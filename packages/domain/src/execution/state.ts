import type { WriteModel } from "../kernel/decider.js"
import {
  type ExecutionEntry,
  type ExecutionEvent,
  includeEntry,
  targetEntry
} from "./events.js"

/** The entries the latest set wrote, in order. */
export interface ExecutionState {
  readonly entries: ReadonlyArray<ExecutionEntry>
}

export const initial: ExecutionState = { entries: [] }

/** An execution exists while its latest list is not empty. */
export const exists = (state: ExecutionState): boolean => state.entries.length > 0

export const includesOf = (state: ExecutionState): ReadonlyArray<string> =>
  state.entries.flatMap((entry) => entry._tag === "Include" ? [entry.executionId] : [])

export const targetsOf = (state: ExecutionState): ReadonlyArray<string> =>
  state.entries.flatMap((entry) => entry._tag === "Target" ? [entry.targetId] : [])

/**
 * Every set replaces the whole list. A legacy set becomes its targets, then its includes: the
 * old event kept no order between the two lists. (ZITADEL's write model keeps the legacy lists
 * beside the newest one; here the latest set of either kind wins.)
 */
export const evolve = (_state: ExecutionState, event: ExecutionEvent): ExecutionState => {
  switch (event._tag) {
    case "ExecutionSet":
      return { entries: event.entries }
    case "ExecutionLegacySet":
      return {
        entries: [...event.targets.map(targetEntry), ...event.includes.map(includeEntry)]
      }
    case "ExecutionRemoved":
      return initial
  }
}

export const executionWriteModel: WriteModel<ExecutionState, ExecutionEvent> = {
  initial,
  evolve
}
