import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { Authorization } from "./security.js"
import {
  maxItems,
  oneof,
  OptionalRepeated,
  Pagination,
  PaginationResponse,
  Repeated
} from "./common.js"
import { Duration, ProtoEnum, RequestBody, Timestamp } from "./protojson.js"

/** ZITADEL's Action service v2 (`zitadel.action.v2.ActionService`) on its REST paths. */

const Name = Schema.String.pipe(Schema.maxLength(1000))
const Id = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))
const Endpoint = Schema.String.pipe(Schema.maxLength(2048))

const InterruptOnError = Schema.Struct({ interruptOnError: Schema.optional(Schema.Boolean) })

export const payloadTypeNames = [
  "PAYLOAD_TYPE_UNSPECIFIED",
  "PAYLOAD_TYPE_JSON",
  "PAYLOAD_TYPE_JWT",
  "PAYLOAD_TYPE_JWE"
] as const
export const PayloadType = ProtoEnum("PayloadType", payloadTypeNames)

const TargetTypeFields = {
  restWebhook: Schema.optional(InterruptOnError),
  restCall: Schema.optional(InterruptOnError),
  restAsync: Schema.optional(Schema.Struct({}))
}

export const CreateTargetRequest = Schema.Struct({
  name: Name,
  ...TargetTypeFields,
  timeout: Schema.optional(Duration),
  endpoint: Endpoint,
  payloadType: Schema.optional(PayloadType)
})

export const UpdateTargetRequest = Schema.Struct({
  name: Schema.optional(Name),
  ...TargetTypeFields,
  timeout: Schema.optional(Duration),
  endpoint: Schema.optional(Endpoint),
  expirationSigningKey: Schema.optional(Duration),
  payloadType: Schema.optional(PayloadType)
})

export const Target = Schema.Struct({
  id: Schema.String,
  creationDate: Timestamp,
  changeDate: Timestamp,
  name: Schema.String,
  restWebhook: Schema.optional(InterruptOnError),
  restCall: Schema.optional(InterruptOnError),
  restAsync: Schema.optional(Schema.Struct({})),
  timeout: Duration,
  endpoint: Schema.String,
  payloadType: PayloadType
}).annotations({ identifier: "Target" })

export const textFilterMethodNames = [
  "TEXT_FILTER_METHOD_EQUALS",
  "TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE",
  "TEXT_FILTER_METHOD_STARTS_WITH",
  "TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE",
  "TEXT_FILTER_METHOD_CONTAINS",
  "TEXT_FILTER_METHOD_CONTAINS_IGNORE_CASE",
  "TEXT_FILTER_METHOD_ENDS_WITH",
  "TEXT_FILTER_METHOD_ENDS_WITH_IGNORE_CASE"
] as const
const TextFilterMethod = ProtoEnum("TextFilterMethod", textFilterMethodNames)

export const targetFieldNames = [
  "TARGET_FIELD_NAME_UNSPECIFIED",
  "TARGET_FIELD_NAME_ID",
  "TARGET_FIELD_NAME_CREATED_DATE",
  "TARGET_FIELD_NAME_CHANGED_DATE",
  "TARGET_FIELD_NAME_NAME",
  "TARGET_FIELD_NAME_TARGET_TYPE",
  "TARGET_FIELD_NAME_URL",
  "TARGET_FIELD_NAME_TIMEOUT",
  "TARGET_FIELD_NAME_INTERRUPT_ON_ERROR"
] as const
export const TargetFieldName = ProtoEnum("TargetFieldName", targetFieldNames)

export const TargetSearchFilter = Schema.Struct({
  targetNameFilter: Schema.optional(Schema.Struct({
    targetName: Schema.String.pipe(Schema.maxLength(200)),
    method: Schema.optional(TextFilterMethod)
  })),
  inTargetIdsFilter: Schema.optional(
    Schema.Struct({ targetIds: Repeated(Schema.String, maxItems.ids) })
  )
})

export const ListTargetsRequest = Schema.Struct({
  pagination: Schema.optional(Pagination),
  sortingColumn: Schema.optional(TargetFieldName),
  filters: OptionalRepeated(TargetSearchFilter, maxItems.filters)
})

const ApiCondition = Schema.Struct({
  method: Schema.optional(Schema.String.pipe(Schema.maxLength(1000))),
  service: Schema.optional(Schema.String.pipe(Schema.maxLength(1000))),
  all: Schema.optional(Schema.Boolean)
})

export const Condition = Schema.Struct({
  request: Schema.optional(ApiCondition),
  response: Schema.optional(ApiCondition),
  function: Schema.optional(Schema.Struct({ name: Schema.String.pipe(Schema.maxLength(1000)) })),
  event: Schema.optional(Schema.Struct({
    event: Schema.optional(Schema.String.pipe(Schema.maxLength(1000))),
    group: Schema.optional(Schema.String.pipe(Schema.maxLength(1000))),
    all: Schema.optional(Schema.Boolean)
  }))
})

/**
 * An entry of an execution: v2's plain target id, or v2beta's `{"target": id}` or
 * `{"include": condition}`, a oneof: an object with both, or neither, is refused.
 */
export const ExecutionEntry = Schema.Union(
  Schema.transform(
    Schema.Struct({
      target: Schema.optional(Schema.String),
      include: Schema.optional(Condition)
    }).pipe(oneof(["target", "include"], { required: true })),
    Schema.Union(
      Schema.Struct({ target: Schema.String }),
      Schema.Struct({ include: Schema.typeSchema(Condition) })
    ),
    {
      strict: false,
      decode: (entry) =>
        entry.target !== undefined ? { target: entry.target } : { include: entry.include! },
      encode: (entry) => entry
    }
  ),
  Schema.String
)

export const SetExecutionRequest = Schema.Struct({
  condition: Condition,
  targets: OptionalRepeated(ExecutionEntry, maxItems.entries)
})

const ExecutionType = ProtoEnum("ExecutionType", [
  "EXECUTION_TYPE_UNSPECIFIED",
  "EXECUTION_TYPE_REQUEST",
  "EXECUTION_TYPE_RESPONSE",
  "EXECUTION_TYPE_EVENT",
  "EXECUTION_TYPE_FUNCTION"
])

export const ExecutionSearchFilter = Schema.Struct({
  inConditionsFilter: Schema.optional(
    Schema.Struct({ conditions: Repeated(Condition, maxItems.conditions) })
  ),
  executionTypeFilter: Schema.optional(Schema.Struct({ executionType: ExecutionType })),
  targetFilter: Schema.optional(Schema.Struct({ targetId: Schema.String })),
  includeFilter: Schema.optional(Schema.Struct({ include: Condition }))
})

export const executionFieldNames = [
  "EXECUTION_FIELD_NAME_UNSPECIFIED",
  "EXECUTION_FIELD_NAME_ID",
  "EXECUTION_FIELD_NAME_CREATED_DATE",
  "EXECUTION_FIELD_NAME_CHANGED_DATE"
] as const
export const ExecutionFieldName = ProtoEnum("ExecutionFieldName", executionFieldNames)

export const ListExecutionsRequest = Schema.Struct({
  pagination: Schema.optional(Pagination),
  sortingColumn: Schema.optional(ExecutionFieldName),
  filters: OptionalRepeated(ExecutionSearchFilter, maxItems.filters)
})

export const Execution = Schema.Struct({
  condition: Condition,
  creationDate: Timestamp,
  changeDate: Timestamp,
  targets: Schema.Array(ExecutionEntry)
}).annotations({ identifier: "Execution" })

const idPath = HttpApiSchema.param("id", Id)

export class ActionService extends HttpApiGroup.make("ActionService")
  .add(
    HttpApiEndpoint.post("CreateTarget", "/v2/actions/targets")
      .setPayload(RequestBody(CreateTargetRequest))
      .addSuccess(
        Schema.Struct({ id: Schema.String, creationDate: Timestamp, signingKey: Schema.String })
      )
  )
  .add(
    HttpApiEndpoint.post("UpdateTarget")`/v2/actions/targets/${idPath}`
      .setPayload(RequestBody(UpdateTargetRequest))
      .addSuccess(
        Schema.Struct({ changeDate: Timestamp, signingKey: Schema.optional(Schema.String) })
      )
  )
  .add(
    HttpApiEndpoint.del("DeleteTarget")`/v2/actions/targets/${idPath}`
      .addSuccess(Schema.Struct({ deletionDate: Schema.optional(Timestamp) }))
  )
  .add(
    HttpApiEndpoint.get("GetTarget")`/v2/actions/targets/${idPath}`
      .addSuccess(Schema.Struct({ target: Target }))
  )
  .add(
    HttpApiEndpoint.post("ListTargets", "/v2/actions/targets/search")
      .setPayload(RequestBody(ListTargetsRequest))
      .addSuccess(Schema.Struct({ pagination: PaginationResponse, targets: Schema.Array(Target) }))
  )
  .add(
    HttpApiEndpoint.put("SetExecution", "/v2/actions/executions")
      .setPayload(RequestBody(SetExecutionRequest))
      .addSuccess(Schema.Struct({ setDate: Timestamp }))
  )
  .add(
    HttpApiEndpoint.post("ListExecutions", "/v2/actions/executions/search")
      .setPayload(RequestBody(ListExecutionsRequest))
      .addSuccess(
        Schema.Struct({ pagination: PaginationResponse, executions: Schema.Array(Execution) })
      )
  )
  .add(
    HttpApiEndpoint.get("ListExecutionFunctions", "/v2/actions/executions/functions")
      .addSuccess(Schema.Struct({ functions: Schema.Array(Schema.String) }))
  )
  .add(
    HttpApiEndpoint.get("ListExecutionMethods", "/v2/actions/executions/methods")
      .addSuccess(Schema.Struct({ methods: Schema.Array(Schema.String) }))
  )
  .add(
    HttpApiEndpoint.get("ListExecutionServices", "/v2/actions/executions/services")
      .addSuccess(Schema.Struct({ services: Schema.Array(Schema.String) }))
  )
  .middleware(Authorization)
{}
