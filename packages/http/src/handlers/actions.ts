import { HttpApiBuilder } from "@effect/platform"
import { ReadModels } from "@citadel/adapters"
import { type DomainError, Execution, invalidArgument, notFound, Target } from "@citadel/domain"
import { Duration, Effect, Option, Redacted } from "effect"
import * as Api from "../api/actions.js"
import { CitadelApi } from "../api/Api.js"
import { ConditionCatalog, servedMethods } from "../catalog.js"
import { fromCondition, fromEntries, toCondition, toEntries } from "./conditions.js"
import { authorized, settled, type Type } from "./common.js"

/** Permission of each rpc, as the `auth_option` of ZITADEL's action_service.proto. */
const permission = {
  targetWrite: "action.target.write",
  targetDelete: "action.target.delete",
  targetRead: "action.target.read",
  executionWrite: "action.execution.write",
  executionRead: "action.execution.read"
} as const

const toPayloadType = (name: Type<typeof Api.PayloadType>) =>
  Api.payloadTypeNames.indexOf(name) as Target.PayloadType

const invalidTarget = (detail: string) =>
  invalidArgument("TARGET-0n30f", "Errors.Target.Invalid", detail)

/** The oneof `target_type`: at most one of the three; on create, exactly one. */
const toTargetType = (
  request: Pick<Type<typeof Api.UpdateTargetRequest>, "restWebhook" | "restCall" | "restAsync">,
  required: boolean
): Effect.Effect<
  { readonly targetType: Target.TargetType; readonly interruptOnError: boolean } | undefined,
  DomainError
> => {
  const set = [
    request.restWebhook === undefined
      ? []
      : [{ targetType: Target.TargetType.Webhook, options: request.restWebhook }],
    request.restCall === undefined
      ? []
      : [{ targetType: Target.TargetType.Call, options: request.restCall }],
    request.restAsync === undefined ? [] : [{ targetType: Target.TargetType.Async, options: {} }]
  ].flat()
  if (set.length > 1) {
    return Effect.fail(invalidTarget("only one of restWebhook, restCall or restAsync may be set"))
  }
  const chosen = set[0]
  if (chosen === undefined) {
    return required
      ? Effect.fail(invalidTarget("one of restWebhook, restCall or restAsync must be set"))
      : Effect.succeed(undefined)
  }
  const options: { readonly interruptOnError?: boolean | undefined } = chosen.options
  return Effect.succeed({
    targetType: chosen.targetType,
    interruptOnError: options.interruptOnError ?? false
  })
}

const toTarget = (view: ReadModels.TargetView): Type<typeof Api.Target> => {
  const options = { interruptOnError: view.interruptOnError }
  return {
    id: view.id,
    creationDate: view.creationDate,
    changeDate: view.changeDate,
    name: view.name,
    ...(view.targetType === Target.TargetType.Webhook
      ? { restWebhook: options }
      : view.targetType === Target.TargetType.Call
      ? { restCall: options }
      : { restAsync: {} }),
    timeout: BigInt(view.timeoutNs),
    endpoint: view.endpoint,
    payloadType: Api.payloadTypeNames[view.payloadType] ?? "PAYLOAD_TYPE_UNSPECIFIED"
  }
}

const sortingIndex = <N extends string>(names: ReadonlyArray<N>, name: N | undefined) =>
  name === undefined ? 0 : names.indexOf(name)

const invalidFilter = (detail: string) =>
  invalidArgument("QUERY-f1lt3r", "Errors.Query.InvalidRequest", detail)

/** Each search filter is a oneof: exactly one of its fields must be set. */
const exactlyOne = <F extends object>(filter: F, index: number) => {
  const keys = Object.entries(filter).filter(([, value]) => value !== undefined)
  return keys.length === 1
    ? Effect.succeed(keys[0]![0] as keyof F)
    : Effect.fail(invalidFilter(`filters[${index}]: exactly one filter must be set`))
}

const toTargetFilters = (filters: ReadonlyArray<Type<typeof Api.TargetSearchFilter>>) =>
  Effect.forEach(filters, (filter, index) =>
    Effect.map(exactlyOne(filter, index), (key): ReadModels.TargetFilter =>
      key === "targetNameFilter"
        ? {
          _tag: "TargetName",
          name: filter.targetNameFilter!.targetName,
          method: ReadModels.textFilterMethods[
            Api.textFilterMethodNames.indexOf(
              filter.targetNameFilter!.method ?? "TEXT_FILTER_METHOD_EQUALS"
            )
          ]!
        }
        : { _tag: "InTargetIds", ids: filter.inTargetIdsFilter!.targetIds }))

const executionTypes = {
  EXECUTION_TYPE_REQUEST: "request",
  EXECUTION_TYPE_RESPONSE: "response",
  EXECUTION_TYPE_EVENT: "event",
  EXECUTION_TYPE_FUNCTION: "function"
} as const

const conditionIds = (conditions: ReadonlyArray<Type<typeof Api.Condition>>) =>
  Effect.forEach(conditions, (condition) =>
    Effect.flatMap(toCondition(condition), (domain) =>
      Effect.as(Execution.validateCondition(domain), Execution.executionId(domain))))

const toExecutionFilters = (filters: ReadonlyArray<Type<typeof Api.ExecutionSearchFilter>>) =>
  Effect.forEach(filters, (filter, index) =>
    Effect.flatMap(exactlyOne(filter, index), (key): Effect.Effect<
      ReadModels.ExecutionFilter,
      DomainError
    > => {
      switch (key) {
        case "inConditionsFilter":
          return Effect.map(
            conditionIds(filter.inConditionsFilter!.conditions),
            (executionIds) => ({ _tag: "InConditions", executionIds })
          )
        case "executionTypeFilter": {
          const name = filter.executionTypeFilter!.executionType
          return name === "EXECUTION_TYPE_UNSPECIFIED"
            ? Effect.fail(invalidFilter(`filters[${index}]: executionType must be specified`))
            : Effect.succeed({ _tag: "ExecutionType", executionType: executionTypes[name] })
        }
        case "targetFilter":
          return Effect.succeed({ _tag: "Target", targetId: filter.targetFilter!.targetId })
        case "includeFilter":
          return Effect.map(
            conditionIds([filter.includeFilter!.include]),
            ([executionId]) => ({ _tag: "Include", executionId: executionId! })
          )
      }
    }))

export const ActionServiceLive = HttpApiBuilder.group(CitadelApi, "ActionService", (handlers) =>
  Effect.gen(function*() {
    const catalog = yield* ConditionCatalog
    const services = [...catalog.services].sort()

    return handlers
      .handle("CreateTarget", ({ payload }) =>
        authorized(permission.targetWrite, (principal) =>
          Effect.gen(function*() {
            const type = yield* toTargetType(payload, true)
            const created = yield* Target.createTarget({
              instanceId: principal.instanceId,
              creator: principal.userId,
              name: payload.name,
              targetType: type!.targetType,
              interruptOnError: type!.interruptOnError,
              endpoint: payload.endpoint,
              timeout: Duration.nanos(payload.timeout ?? 0n),
              payloadType: toPayloadType(payload.payloadType ?? "PAYLOAD_TYPE_JSON")
            })
            yield* settled(created.details)
            return {
              id: created.id,
              creationDate: created.details.changeDate,
              signingKey: Redacted.value(created.signingKey)
            }
          })))
      .handle("UpdateTarget", ({ path, payload }) =>
        authorized(permission.targetWrite, (principal) =>
          Effect.gen(function*() {
            const type = yield* toTargetType(payload, false)
            if (payload.expirationSigningKey !== undefined && payload.expirationSigningKey !== 0n) {
              return yield* Effect.fail(invalidTarget("expirationSigningKey must be \"0s\""))
            }
            const updated = yield* Target.updateTarget({
              instanceId: principal.instanceId,
              creator: principal.userId,
              id: path.id,
              name: payload.name,
              targetType: type?.targetType,
              interruptOnError: type?.interruptOnError,
              endpoint: payload.endpoint,
              timeout: payload.timeout === undefined ? undefined : Duration.nanos(payload.timeout),
              payloadType: payload.payloadType === undefined
                ? undefined
                : toPayloadType(payload.payloadType),
              expirationSigningKey: payload.expirationSigningKey !== undefined
            })
            yield* settled(updated.details)
            return updated.signingKey === undefined
              ? { changeDate: updated.details.changeDate }
              : {
                changeDate: updated.details.changeDate,
                signingKey: Redacted.value(updated.signingKey)
              }
          })))
      .handle("DeleteTarget", ({ path }) =>
        authorized(permission.targetDelete, (principal) =>
          Effect.gen(function*() {
            const details = yield* Target.deleteTarget({
              instanceId: principal.instanceId,
              creator: principal.userId,
              id: path.id
            })
            yield* settled(details)
            return details.sequence === 0 ? {} : { deletionDate: details.changeDate }
          })))
      .handle("GetTarget", ({ path }) =>
        authorized(permission.targetRead, (principal) =>
          Effect.gen(function*() {
            const found = yield* ReadModels.getTarget(principal.instanceId, path.id)
            if (Option.isNone(found)) {
              return yield* Effect.fail(notFound("QUERY-Tg4Nf", "Errors.Target.NotFound"))
            }
            return { target: toTarget(found.value) }
          })))
      .handle("ListTargets", ({ payload }) =>
        authorized(permission.targetRead, (principal) =>
          Effect.gen(function*() {
            const filters = yield* toTargetFilters(payload.filters ?? [])
            const index = sortingIndex(Api.targetFieldNames, payload.sortingColumn)
            const page = yield* ReadModels.searchTargets(principal.instanceId, {
              ...payload.pagination,
              sortingColumn: index === 0 ? undefined : ReadModels.targetSortingColumns[index - 1],
              filters
            })
            return {
              pagination: { totalResult: page.totalResult, appliedLimit: page.appliedLimit },
              targets: page.result.map(toTarget)
            }
          })))
      .handle("SetExecution", ({ payload }) =>
        authorized(permission.executionWrite, (principal) =>
          Effect.gen(function*() {
            const condition = yield* toCondition(payload.condition)
            const entries = yield* toEntries(payload.targets ?? [])
            const details = yield* Execution.setExecution({
              instanceId: principal.instanceId,
              creator: principal.userId,
              condition,
              entries
            }, catalog)
            yield* settled(details)
            return { setDate: details.changeDate }
          })))
      .handle("ListExecutions", ({ payload }) =>
        authorized(permission.executionRead, (principal) =>
          Effect.gen(function*() {
            const filters = yield* toExecutionFilters(payload.filters ?? [])
            const index = sortingIndex(Api.executionFieldNames, payload.sortingColumn)
            const page = yield* ReadModels.searchExecutions(principal.instanceId, {
              ...payload.pagination,
              sortingColumn: index === 0
                ? undefined
                : ReadModels.executionSortingColumns[index - 1],
              filters
            })
            return {
              pagination: { totalResult: page.totalResult, appliedLimit: page.appliedLimit },
              executions: page.result.flatMap((view) => {
                const condition = Execution.conditionOfId(view.id)
                return condition === undefined ? [] : [{
                  condition: fromCondition(condition),
                  creationDate: view.creationDate,
                  changeDate: view.changeDate,
                  targets: fromEntries(view.entries)
                }]
              })
            }
          })))
      .handle("ListExecutionFunctions", () =>
        authorized(undefined, () => Effect.succeed({ functions: [...catalog.functions].sort() })))
      .handle("ListExecutionMethods", () =>
        authorized(undefined, () => Effect.succeed({ methods: [...servedMethods] })))
      .handle("ListExecutionServices", () =>
        authorized(undefined, () => Effect.succeed({ services })))
  }))
