import { Option } from "effect"
import type { AggregateSpec } from "../kernel/aggregate.js"

/**
 * Just enough of the org aggregate to know whether an org can own new projects: its lifecycle
 * events (`org.added`, `org.deactivated`, `org.reactivated`, `org.removed`). Read-only: this
 * spec never writes, so its encoder is never called.
 */
export type OrgStatus = "unspecified" | "active" | "inactive" | "removed"

type OrgLifecycleEvent = { readonly _tag: "OrgLifecycle"; readonly status: OrgStatus }

const statusOf: Readonly<Record<string, OrgStatus>> = {
  "org.added": "active",
  "org.deactivated": "inactive",
  "org.reactivated": "active",
  "org.removed": "removed"
}

export const orgStatusAggregate: AggregateSpec<OrgStatus, OrgLifecycleEvent> = {
  type: "org",
  version: 1,
  model: {
    initial: "unspecified",
    // a removed org stays removed whatever follows
    evolve: (state, event) => (state === "removed" ? state : event.status)
  },
  decode: (stored) => {
    const status = statusOf[stored.type]
    return status === undefined ? Option.none() : Option.some({ _tag: "OrgLifecycle", status })
  },
  encode: (event) => ({ type: `org.${event.status}`, payload: null }),
  constraints: () => []
}
