import { Option, Schema } from "effect"
import type { JsonPayload, StoredEvent } from "../kernel/event.js"

/**
 * Maps a union of tagged event schemas to ZITADEL's stored event types and back. The stored
 * payload is the event without its `_tag`; an event without fields is stored with a null
 * payload, as ZITADEL stores `user.deactivated` and its kin.
 */
export const eventCodec = <
  A extends { readonly _tag: string },
  I extends { readonly _tag: string }
>(
  schema: Schema.Schema<A, I>,
  types: { readonly [K in A["_tag"]]: string }
) => {
  const table = types as Readonly<Record<string, string>>
  const tags = new Map(Object.entries(table).map(([tag, type]) => [type, tag]))
  const decodePayload = Schema.decodeUnknownOption(schema)
  const encodeEvent = Schema.encodeSync(schema)

  const decode = (event: StoredEvent): Option.Option<A> => {
    const tag = tags.get(event.type)
    if (tag === undefined) return Option.none()
    return decodePayload({ ...event.payload, _tag: tag })
  }

  const encode = (event: A): { readonly type: string; readonly payload: JsonPayload | null } => {
    const { _tag, ...payload } = encodeEvent(event)
    return {
      type: table[_tag]!,
      payload: Object.keys(payload).length === 0 ? null : payload
    }
  }

  return { eventTypes: Object.values(table), decode, encode } as const
}

/** Ends an exhaustive switch: the compiler proves `_event` is never, and the state is kept. */
export const exhaustive = <S>(_event: never, state: S): S => state
