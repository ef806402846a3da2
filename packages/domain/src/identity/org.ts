import { Schema } from "effect"
import type { AggregateSpec } from "../kernel/aggregate.js"
import type { UniqueConstraint } from "../kernel/event.js"
import { eventCodec, exhaustive } from "./codec.js"

/** The org aggregate: type `org`, id = org id, resource owner = org id. */

// Events -----------------------------------------------------------------------------------

export const OrgAdded = Schema.TaggedStruct("OrgAdded", { name: Schema.String })

export const OrgMemberAdded = Schema.TaggedStruct("OrgMemberAdded", {
  userId: Schema.String,
  roles: Schema.Array(Schema.String)
})

export const OrgMemberRemoved = Schema.TaggedStruct("OrgMemberRemoved", { userId: Schema.String })

export const OrgEvent = Schema.Union(OrgAdded, OrgMemberAdded, OrgMemberRemoved)
export type OrgEvent = typeof OrgEvent.Type

export const orgEventTypes = {
  OrgAdded: "org.added",
  OrgMemberAdded: "org.member.added",
  OrgMemberRemoved: "org.member.removed"
} as const

// State ------------------------------------------------------------------------------------

export interface OrgState {
  readonly status: "unspecified" | "active"
  readonly name: string
  readonly members: ReadonlyMap<string, ReadonlyArray<string>>
}

export const initialOrg: OrgState = { status: "unspecified", name: "", members: new Map() }

export const evolveOrg = (state: OrgState, event: OrgEvent): OrgState => {
  switch (event._tag) {
    case "OrgAdded":
      return { ...state, status: "active", name: event.name }
    case "OrgMemberAdded":
      return { ...state, members: new Map(state.members).set(event.userId, event.roles) }
    case "OrgMemberRemoved": {
      const members = new Map(state.members)
      members.delete(event.userId)
      return { ...state, members }
    }
    default:
      return exhaustive(event, state)
  }
}

// Constraints ------------------------------------------------------------------------------

const orgConstraints = (_state: OrgState, event: OrgEvent): ReadonlyArray<UniqueConstraint> =>
  event._tag === "OrgAdded"
    ? [{
      action: "add",
      type: "org_name",
      field: event.name,
      errorId: "V3-DKcYh",
      message: "Errors.Org.AlreadyExists"
    }]
    : []

const codec = eventCodec(OrgEvent, orgEventTypes)

export const orgAggregate: AggregateSpec<OrgState, OrgEvent> = {
  type: "org",
  version: 1,
  model: { initial: initialOrg, evolve: evolveOrg },
  decode: codec.decode,
  encode: codec.encode,
  constraints: orgConstraints
}
