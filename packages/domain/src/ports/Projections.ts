import { Context, type Effect } from "effect"
import type { Position } from "../kernel/event.js"

/** Lets a caller wait until every read model has applied the events up to a position. */
export class Projections extends Context.Tag("citadel/Projections")<Projections, {
  readonly awaitPosition: (position: Position) => Effect.Effect<void>
}>() {}
