import { Context, type Effect } from "effect"

/** Generates aggregate ids: decimal strings, as ZITADEL's sonyflake ids are. */
export class IdGenerator extends Context.Tag("citadel/IdGenerator")<IdGenerator, {
  readonly next: Effect.Effect<string>
}>() {}
