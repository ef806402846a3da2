import type { AggregateSpec } from "../kernel/aggregate.js"
import { decodeExecutionEvent, encodeExecutionEvent, type ExecutionEvent } from "./events.js"
import { executionWriteModel, type ExecutionState } from "./state.js"

/**
 * Aggregate type `execution`, version `v1`. The aggregate id is derived from the condition, so
 * there is one execution per condition; the resource owner is the instance.
 */
export const executionAggregate: AggregateSpec<ExecutionState, ExecutionEvent> = {
  type: "execution",
  version: 1,
  model: executionWriteModel,
  decode: decodeExecutionEvent,
  encode: encodeExecutionEvent,
  constraints: () => []
}
