/**
 * The event envelope, shaped like a row of ZITADEL's `eventstore.events2` table.
 */

/** Addresses one aggregate as ZITADEL does: instance, aggregate type, aggregate id. */
export interface AggregateKey {
  readonly instanceId: string
  readonly type: string
  readonly id: string
}

export interface AggregateRef extends AggregateKey {
  /** The resource owner (ZITADEL's `owner` column): an org id, or the instance id. */
  readonly owner: string
  /** Aggregate version, e.g. `v1`; stored as the event's `revision` number. */
  readonly version: number
}

/**
 * A unique constraint written in the same transaction as the event that carries it. `add`
 * fails the whole append with AlreadyExists (carrying `errorId` and `message`) when the
 * `(type, field)` pair is taken in the instance.
 */
export type UniqueConstraint =
  | {
    readonly action: "add"
    readonly type: string
    readonly field: string
    readonly errorId: string
    readonly message: string
  }
  | { readonly action: "remove"; readonly type: string; readonly field: string }

export type JsonPayload = { readonly [key: string]: unknown }

/** An event about to be appended. */
export interface PendingEvent {
  readonly aggregate: AggregateRef
  readonly type: string
  readonly payload: JsonPayload | null
  /** The user id (or `SYSTEM`) on whose behalf the event is written. */
  readonly creator: string
  readonly createdAt: Date
  readonly constraints: ReadonlyArray<UniqueConstraint>
}

/**
 * A global position: the id of the transaction that wrote the event (so that commit order and
 * read order agree, see the SQL event store) and the event's index inside that transaction.
 */
export interface Position {
  readonly position: number
  readonly inTxOrder: number
}

export const origin: Position = { position: 0, inTxOrder: 0 }

export const comparePositions = (a: Position, b: Position): number =>
  a.position !== b.position ? a.position - b.position : a.inTxOrder - b.inTxOrder

export interface StoredEvent {
  readonly aggregate: AggregateRef
  readonly type: string
  readonly payload: JsonPayload | null
  readonly creator: string
  readonly createdAt: Date
  /** 1-based sequence of the event within its aggregate. */
  readonly sequence: number
  readonly position: Position
}
