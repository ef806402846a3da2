import { Option } from "effect"
import { eventCodec } from "../identity/codec.js"
import type { AggregateSpec } from "../kernel/aggregate.js"
import { SessionEvent, sessionEventTypes } from "./events.js"
import { evolveSession, initialSession, type SessionState } from "./state.js"

const codec = eventCodec(SessionEvent, sessionEventTypes)

/**
 * The session aggregate: type `session`, id = session id, resource owner = the instance id (as
 * ZITADEL writes sessions since 2.42). `session.lifetime.set` learns its `setAt` from the
 * stored event's creation date, and `setAt` never reaches the payload.
 */
export const sessionAggregate: AggregateSpec<SessionState, SessionEvent> = {
  type: "session",
  version: 1,
  model: { initial: initialSession, evolve: evolveSession },
  decode: (stored) =>
    Option.map(codec.decode(stored), (event) =>
      event._tag === "LifetimeSet" ? { ...event, setAt: stored.createdAt } : event),
  encode: (event) =>
    codec.encode(
      event._tag === "LifetimeSet" ? { _tag: "LifetimeSet", lifetime: event.lifetime } : event
    ),
  constraints: () => []
}
