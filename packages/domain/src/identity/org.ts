import { Schema } from "effect"
import type { AggregateSpec } from "../kernel/aggregate.js"
import type { UniqueConstraint } from "../kernel/event.js"
import { eventCodec, exhaustive } from "./codec.js"

/** The org aggregate: type `org`, id = org id, resource owner = org id. */

// Events -----------------------------------------------------------------------------------

export const OrgAdded = Schema.TaggedStruct("OrgAdded", { name: Schema.String })

/** ZITADEL stores only the new name; the old one is known from the state. */
export const OrgChanged = Schema.TaggedStruct("OrgChanged", { name: Schema.String })

export const OrgDeactivated = Schema.TaggedStruct("OrgDeactivated", {})

export const OrgReactivated = Schema.TaggedStruct("OrgReactivated", {})

/** Stored with a null payload, as ZITADEL stores it. */
export const OrgRemoved = Schema.TaggedStruct("OrgRemoved", {})

export const OrgMemberAdded = Schema.TaggedStruct("OrgMemberAdded", {
  userId: Schema.String,
  roles: Schema.Array(Schema.String)
})

export const OrgMemberChanged = Schema.TaggedStruct("OrgMemberChanged", {
  userId: Schema.String,
  roles: Schema.Array(Schema.String)
})

export const OrgMemberRemoved = Schema.TaggedStruct("OrgMemberRemoved", { userId: Schema.String })

/** Written when the member's user is removed rather than the membership itself. */
export const OrgMemberCascadeRemoved = Schema.TaggedStruct("OrgMemberCascadeRemoved", {
  userId: Schema.String
})

export const OrgEvent = Schema.Union(
  OrgAdded,
  OrgChanged,
  OrgDeactivated,
  OrgReactivated,
  OrgRemoved,
  OrgMemberAdded,
  OrgMemberChanged,
  OrgMemberRemoved,
  OrgMemberCascadeRemoved
)
export type OrgEvent = typeof OrgEvent.Type

export const orgEventTypes = {
  OrgAdded: "org.added",
  OrgChanged: "org.changed",
  OrgDeactivated: "org.deactivated",
  OrgReactivated: "org.reactivated",
  OrgRemoved: "org.removed",
  OrgMemberAdded: "org.member.added",
  OrgMemberChanged: "org.member.changed",
  OrgMemberRemoved: "org.member.removed",
  OrgMemberCascadeRemoved: "org.member.cascade.removed"
} as const

// State ------------------------------------------------------------------------------------

/** ZITADEL's `domain.OrgState`: unspecified 0, active 1, inactive 2, removed 3. */
export type OrgStatus = "unspecified" | "active" | "inactive" | "removed"

export const orgStateNumber: { readonly [K in OrgStatus]: number } = {
  unspecified: 0,
  active: 1,
  inactive: 2,
  removed: 3
}

export interface OrgState {
  readonly status: OrgStatus
  readonly name: string
  /** Roles by user id. */
  readonly members: ReadonlyMap<string, ReadonlyArray<string>>
}

export const initialOrg: OrgState = { status: "unspecified", name: "", members: new Map() }

/** ZITADEL's `isOrgStateExists`: added and not removed. */
export const orgExists = (state: OrgState): boolean =>
  state.status === "active" || state.status === "inactive"

const withoutMember = (state: OrgState, userId: string): OrgState => {
  const members = new Map(state.members)
  members.delete(userId)
  return { ...state, members }
}

export const evolveOrg = (state: OrgState, event: OrgEvent): OrgState => {
  switch (event._tag) {
    case "OrgAdded":
      return { ...state, status: "active", name: event.name }
    case "OrgChanged":
      return { ...state, name: event.name }
    case "OrgDeactivated":
      return { ...state, status: "inactive" }
    case "OrgReactivated":
      return { ...state, status: "active" }
    case "OrgRemoved":
      return { ...state, status: "removed", members: new Map() }
    case "OrgMemberAdded":
    case "OrgMemberChanged":
      return { ...state, members: new Map(state.members).set(event.userId, event.roles) }
    case "OrgMemberRemoved":
    case "OrgMemberCascadeRemoved":
      return withoutMember(state, event.userId)
    default:
      return exhaustive(event, state)
  }
}

// Constraints ------------------------------------------------------------------------------

/** ZITADEL's unique constraint type for org names: unique per instance. */
export const uniqueOrgNameType = "org_name"

const addName = (name: string): UniqueConstraint => ({
  action: "add",
  type: uniqueOrgNameType,
  field: name,
  // the eventstore's id for any taken unique constraint
  errorId: "V3-DKcYh",
  message: "Errors.Org.AlreadyExists"
})

const removeName = (name: string): UniqueConstraint => ({
  action: "remove",
  type: uniqueOrgNameType,
  field: name
})

const orgConstraints = (state: OrgState, event: OrgEvent): ReadonlyArray<UniqueConstraint> => {
  switch (event._tag) {
    case "OrgAdded":
      return [addName(event.name)]
    case "OrgChanged":
      return event.name === state.name ? [] : [removeName(state.name), addName(event.name)]
    case "OrgRemoved":
      return [removeName(state.name)]
    default:
      return []
  }
}

const codec = eventCodec(OrgEvent, orgEventTypes)

export const orgAggregate: AggregateSpec<OrgState, OrgEvent> = {
  type: "org",
  version: 1,
  model: { initial: initialOrg, evolve: evolveOrg },
  decode: codec.decode,
  encode: codec.encode,
  constraints: orgConstraints
}
