import type { AggregateSpec } from "../kernel/aggregate.js"
import type { UniqueConstraint } from "../kernel/event.js"
import { decodeTargetEvent, encodeTargetEvent, type TargetEvent } from "./events.js"
import { targetWriteModel, type TargetState } from "./state.js"

/** ZITADEL's `target.UniqueTarget`: target names are unique per instance. */
export const uniqueNameType = "target"

const addName = (name: string): UniqueConstraint => ({
  action: "add",
  type: uniqueNameType,
  field: name,
  errorId: "TARGET-uN1qNm",
  message: "Errors.Target.AlreadyExists"
})

const removeName = (name: string): UniqueConstraint => ({
  action: "remove",
  type: uniqueNameType,
  field: name
})

const constraints = (state: TargetState, event: TargetEvent): ReadonlyArray<UniqueConstraint> => {
  switch (event._tag) {
    case "TargetAdded":
      return [addName(event.name)]
    case "TargetChanged":
      return event.name === undefined || event.name === state.name
        ? []
        : [removeName(state.name), addName(event.name)]
    case "TargetRemoved":
      return [removeName(state.name)]
  }
}

/** Aggregate type `target`, version `v1`; the resource owner is the instance. */
export const targetAggregate: AggregateSpec<TargetState, TargetEvent> = {
  type: "target",
  version: 1,
  model: targetWriteModel,
  decode: decodeTargetEvent,
  encode: encodeTargetEvent,
  constraints
}
