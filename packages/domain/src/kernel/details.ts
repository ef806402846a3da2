/** ZITADEL's object details, returned by every command. */
export interface ObjectDetails {
  readonly sequence: number
  readonly changeDate: Date
  readonly resourceOwner: string
  /** Where the event store stood after the command; read models can be awaited up to it. */
  readonly position: { readonly position: number; readonly inTxOrder: number }
}
