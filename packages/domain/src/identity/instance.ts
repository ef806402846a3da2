import { Schema } from "effect"
import type { AggregateSpec } from "../kernel/aggregate.js"
import type { UniqueConstraint } from "../kernel/event.js"
import { eventCodec, exhaustive } from "./codec.js"

/**
 * The instance aggregate: type `instance`, id = instance id, resource owner = instance id.
 * Only the events the bootstrap writes and the read models need are modelled here.
 */

// Events -----------------------------------------------------------------------------------

export const InstanceAdded = Schema.TaggedStruct("InstanceAdded", { name: Schema.String })

export const InstanceRemoved = Schema.TaggedStruct("InstanceRemoved", {})

export const InstanceDomainAdded = Schema.TaggedStruct("InstanceDomainAdded", {
  domain: Schema.String,
  generated: Schema.optionalWith(Schema.Boolean, { default: () => false })
})

export const InstanceDomainPrimarySet = Schema.TaggedStruct("InstanceDomainPrimarySet", {
  domain: Schema.String
})

export const DefaultOrgSet = Schema.TaggedStruct("DefaultOrgSet", { orgId: Schema.String })

export const InstanceMemberAdded = Schema.TaggedStruct("InstanceMemberAdded", {
  userId: Schema.String,
  roles: Schema.Array(Schema.String)
})

export const InstanceMemberChanged = Schema.TaggedStruct("InstanceMemberChanged", {
  userId: Schema.String,
  roles: Schema.Array(Schema.String)
})

export const InstanceMemberRemoved = Schema.TaggedStruct("InstanceMemberRemoved", {
  userId: Schema.String
})

export const InstanceEvent = Schema.Union(
  InstanceAdded,
  InstanceRemoved,
  InstanceDomainAdded,
  InstanceDomainPrimarySet,
  DefaultOrgSet,
  InstanceMemberAdded,
  InstanceMemberChanged,
  InstanceMemberRemoved
)
export type InstanceEvent = typeof InstanceEvent.Type

/** ZITADEL's stored event types. */
export const instanceEventTypes = {
  InstanceAdded: "instance.added",
  InstanceRemoved: "instance.removed",
  InstanceDomainAdded: "instance.domain.added",
  InstanceDomainPrimarySet: "instance.domain.primary.set",
  DefaultOrgSet: "instance.default.org.set",
  InstanceMemberAdded: "instance.member.added",
  InstanceMemberChanged: "instance.member.changed",
  InstanceMemberRemoved: "instance.member.removed"
} as const

// State ------------------------------------------------------------------------------------

export type InstanceStatus = "unspecified" | "active" | "removed"

export interface InstanceState {
  readonly status: InstanceStatus
  readonly name: string
  readonly domains: ReadonlyArray<{ readonly domain: string; readonly generated: boolean }>
  readonly primaryDomain: string | undefined
  readonly defaultOrgId: string | undefined
  /** Roles by user id. */
  readonly members: ReadonlyMap<string, ReadonlyArray<string>>
}

export const initialInstance: InstanceState = {
  status: "unspecified",
  name: "",
  domains: [],
  primaryDomain: undefined,
  defaultOrgId: undefined,
  members: new Map()
}

const withMember = (
  members: ReadonlyMap<string, ReadonlyArray<string>>,
  userId: string,
  roles: ReadonlyArray<string> | undefined
): ReadonlyMap<string, ReadonlyArray<string>> => {
  const next = new Map(members)
  if (roles === undefined) next.delete(userId)
  else next.set(userId, roles)
  return next
}

export const evolveInstance = (state: InstanceState, event: InstanceEvent): InstanceState => {
  switch (event._tag) {
    case "InstanceAdded":
      return { ...state, status: "active", name: event.name }
    case "InstanceRemoved":
      return { ...initialInstance, status: "removed" }
    case "InstanceDomainAdded":
      return {
        ...state,
        domains: [
          ...state.domains.filter((d) => d.domain !== event.domain),
          { domain: event.domain, generated: event.generated }
        ]
      }
    case "InstanceDomainPrimarySet":
      return { ...state, primaryDomain: event.domain }
    case "DefaultOrgSet":
      return { ...state, defaultOrgId: event.orgId }
    case "InstanceMemberAdded":
    case "InstanceMemberChanged":
      return { ...state, members: withMember(state.members, event.userId, event.roles) }
    case "InstanceMemberRemoved":
      return { ...state, members: withMember(state.members, event.userId, undefined) }
    default:
      return exhaustive(event, state)
  }
}

// Constraints ------------------------------------------------------------------------------

/**
 * ZITADEL makes instance domains unique across all instances; our constraints are scoped to
 * one instance, so here they only stop a domain being added twice to the same instance.
 * Members need no constraint: the member list is part of this aggregate's state and the
 * append checks its sequence.
 */
const instanceConstraints = (
  state: InstanceState,
  event: InstanceEvent
): ReadonlyArray<UniqueConstraint> => {
  switch (event._tag) {
    case "InstanceDomainAdded":
      return [{
        action: "add",
        type: "instance_domain",
        field: event.domain,
        errorId: "V3-DKcYh",
        message: "Errors.Instance.Domain.AlreadyExists"
      }]
    case "InstanceRemoved":
      return state.domains.map((d) => ({
        action: "remove" as const,
        type: "instance_domain",
        field: d.domain
      }))
    default:
      return []
  }
}

const codec = eventCodec(InstanceEvent, instanceEventTypes)

export const instanceAggregate: AggregateSpec<InstanceState, InstanceEvent> = {
  type: "instance",
  version: 1,
  model: { initial: initialInstance, evolve: evolveInstance },
  decode: codec.decode,
  encode: codec.encode,
  constraints: instanceConstraints
}
