import { Context, type Effect } from "effect"

/** The wall clock; the domain never reads time on its own. */
export class Clock extends Context.Tag("citadel/Clock")<Clock, {
  readonly now: Effect.Effect<Date>
}>() {}
