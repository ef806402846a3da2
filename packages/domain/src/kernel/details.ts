/** ZITADEL's object details, returned by every command. */
export interface ObjectDetails {
  readonly sequence: number
  readonly changeDate: Date
  readonly resourceOwner: string
  /** Where the event store stood after the command; a caller may wait for read models to reach it. */
  readonly position: { readonly position: number; readonly inTxOrder: number }
}
