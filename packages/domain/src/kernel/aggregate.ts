import type { Option } from "effect"
import type { WriteModel } from "./decider.js"
import type { JsonPayload, StoredEvent, UniqueConstraint } from "./event.js"

/**
 * Everything the use cases need to know of one aggregate type: how its events are named and
 * stored, how its state folds, and which unique constraints an event takes or releases.
 */
export interface AggregateSpec<S, E> {
  /** ZITADEL's aggregate type, e.g. `target`. */
  readonly type: string
  readonly version: number
  readonly model: WriteModel<S, E>
  /** The typed event of a stored one; `None` for event types this aggregate does not fold. */
  readonly decode: (event: StoredEvent) => Option.Option<E>
  readonly encode: (event: E) => { readonly type: string; readonly payload: JsonPayload | null }
  /** The constraints the event adds or removes, given the state before it. */
  readonly constraints: (state: S, event: E) => ReadonlyArray<UniqueConstraint>
}

/** An aggregate's folded state and where its stream stands. */
export interface Loaded<S> {
  readonly id: string
  readonly state: S
  /** Latest sequence; 0 when the aggregate has no events. */
  readonly sequence: number
  readonly owner: string | undefined
  readonly changeDate: Date | undefined
  readonly position: { readonly position: number; readonly inTxOrder: number } | undefined
}
