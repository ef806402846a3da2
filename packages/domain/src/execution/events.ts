import { Option, Schema } from "effect"
import type { JsonPayload, StoredEvent } from "../kernel/event.js"

/** ZITADEL's `domain.ExecutionTargetType`: Unspecified 0, Include 1, Target 2. */
export const ExecutionTargetType = { Unspecified: 0, Include: 1, Target: 2 } as const

/** One step of an execution: call a target, or run every entry of another execution. */
export type ExecutionEntry =
  | { readonly _tag: "Target"; readonly targetId: string }
  | { readonly _tag: "Include"; readonly executionId: string }

export const targetEntry = (targetId: string): ExecutionEntry => ({ _tag: "Target", targetId })
export const includeEntry = (executionId: string): ExecutionEntry => ({
  _tag: "Include",
  executionId
})

export const ExecutionEventType = {
  set: "execution.v2.set",
  legacySet: "execution.set",
  removed: "execution.removed"
} as const

/** The full, ordered list of entries; an empty list clears the execution. */
export interface ExecutionSet {
  readonly _tag: "ExecutionSet"
  readonly entries: ReadonlyArray<ExecutionEntry>
}

/** Legacy `execution.set`: targets and includes in two lists. Read, never written. */
export interface ExecutionLegacySet {
  readonly _tag: "ExecutionLegacySet"
  readonly targets: ReadonlyArray<string>
  readonly includes: ReadonlyArray<string>
}

/** Legacy `execution.removed`. Read, never written. */
export interface ExecutionRemoved {
  readonly _tag: "ExecutionRemoved"
}

export type ExecutionEvent = ExecutionSet | ExecutionLegacySet | ExecutionRemoved

const SetPayload = Schema.Struct({
  targets: Schema.NullOr(Schema.Array(Schema.Struct({
    type: Schema.Number,
    target: Schema.String
  })))
})

const LegacySetPayload = Schema.Struct({
  targets: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  includes: Schema.optional(Schema.NullOr(Schema.Array(Schema.String)))
})

const decodeSet = Schema.decodeUnknownOption(SetPayload)
const decodeLegacySet = Schema.decodeUnknownOption(LegacySetPayload)

const entryOf = (item: { readonly type: number; readonly target: string }) =>
  item.type === ExecutionTargetType.Target
    ? [targetEntry(item.target)]
    : item.type === ExecutionTargetType.Include
    ? [includeEntry(item.target)]
    : [] // ZITADEL's projection skips unspecified entries too

export const decodeExecutionEvent = (stored: StoredEvent): Option.Option<ExecutionEvent> => {
  switch (stored.type) {
    case ExecutionEventType.set:
      return decodeSet(stored.payload ?? { targets: null }).pipe(Option.map((p) => ({
        _tag: "ExecutionSet",
        entries: (p.targets ?? []).flatMap(entryOf)
      })))
    case ExecutionEventType.legacySet:
      return decodeLegacySet(stored.payload ?? {}).pipe(Option.map((p) => ({
        _tag: "ExecutionLegacySet",
        targets: p.targets ?? [],
        includes: p.includes ?? []
      })))
    case ExecutionEventType.removed:
      return Option.some({ _tag: "ExecutionRemoved" })
    default:
      return Option.none()
  }
}

const encodeEntry = (entry: ExecutionEntry) =>
  entry._tag === "Target"
    ? { type: ExecutionTargetType.Target, target: entry.targetId }
    : { type: ExecutionTargetType.Include, target: entry.executionId }

export const encodeExecutionEvent = (
  event: ExecutionEvent
): { readonly type: string; readonly payload: JsonPayload | null } => {
  switch (event._tag) {
    case "ExecutionSet":
      return { type: ExecutionEventType.set, payload: { targets: event.entries.map(encodeEntry) } }
    case "ExecutionLegacySet":
      return {
        type: ExecutionEventType.legacySet,
        payload: { targets: event.targets, includes: event.includes }
      }
    case "ExecutionRemoved":
      return { type: ExecutionEventType.removed, payload: null }
  }
}
