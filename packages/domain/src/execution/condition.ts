import { Either } from "effect"
import {
  type Catalog,
  eventGroupSuffix,
  hasEventGroup,
  hasEventType,
  hasFunction,
  hasMethod,
  hasService
} from "../catalog/catalog.js"
import { type DomainError, invalidArgument, notFound } from "../kernel/errors.js"

/** ZITADEL's `domain.ExecutionType`; the string is the first segment of an execution id. */
export const ExecutionType = {
  Unspecified: 0,
  Request: 1,
  Response: 2,
  Function: 3,
  Event: 4
} as const
export type ExecutionType = (typeof ExecutionType)[keyof typeof ExecutionType]

/** A request or response condition: exactly one of the three must be set. */
export interface ApiCondition {
  /** A full gRPC method name, e.g. `/zitadel.action.v2.ActionService/CreateTarget`. */
  readonly method?: string | undefined
  /** A gRPC service name, e.g. `zitadel.action.v2.ActionService`. */
  readonly service?: string | undefined
  readonly all?: boolean | undefined
}

/** An event condition: exactly one of the three must be set. */
export interface EventCondition {
  readonly event?: string | undefined
  /** An event type prefix such as `user.human`, with or without the trailing `.*`. */
  readonly group?: string | undefined
  readonly all?: boolean | undefined
}

/** When an execution runs; each condition owns exactly one execution. */
export type Condition =
  | ({ readonly _tag: "Request" } & ApiCondition)
  | ({ readonly _tag: "Response" } & ApiCondition)
  | { readonly _tag: "Function"; readonly name: string }
  | ({ readonly _tag: "Event" } & EventCondition)

export const request = (condition: ApiCondition): Condition => ({ _tag: "Request", ...condition })
export const response = (condition: ApiCondition): Condition => ({ _tag: "Response", ...condition })
export const fn = (name: string): Condition => ({ _tag: "Function", name })
export const event = (condition: EventCondition): Condition => ({ _tag: "Event", ...condition })

const setCount = (...values: ReadonlyArray<string | boolean | undefined>) =>
  values.filter((value) => value !== undefined && value !== "" && value !== false).length

const invalid = (id: string, detail: string) =>
  Either.left(invalidArgument(id, "Errors.Execution.Invalid", detail))

/** ZITADEL's `IsValid` of each condition type: none set, or two set, is InvalidArgument. */
export const validateCondition = (condition: Condition): Either.Either<void, DomainError> => {
  switch (condition._tag) {
    case "Request":
    case "Response": {
      const count = setCount(condition.method, condition.service, condition.all)
      return count === 0
        ? invalid("COMMAND-3tkej630e6", "one of method, service or all must be set")
        : count > 1
        ? invalid("COMMAND-nee5q8aszq", "only one of method, service or all may be set")
        : Either.void
    }
    case "Function":
      return condition.name === ""
        ? invalid("COMMAND-5folwn5jws", "function name is empty")
        : Either.void
    case "Event": {
      const count = setCount(condition.event, condition.group, condition.all)
      return count === 0
        ? invalid("COMMAND-w5smb6v7qu", "one of event, group or all must be set")
        : count > 1
        ? invalid("COMMAND-hdm4zl1hmd", "only one of event, group or all may be set")
        : Either.void
    }
  }
}

const conditionInvalid = (id: string, detail: string) =>
  Either.left(notFound(id, "Errors.Execution.ConditionInvalid", detail))

/** ZITADEL's `Existing` of each condition type; `all` is never looked up. */
export const checkConditionExists = (
  condition: Condition,
  catalog: Catalog
): Either.Either<void, DomainError> => {
  switch (condition._tag) {
    case "Request":
    case "Response":
      if (condition.method && !hasMethod(catalog, condition.method)) {
        return conditionInvalid("COMMAND-vysplsevt8", `unknown method ${condition.method}`)
      }
      if (condition.service && !hasService(catalog, condition.service)) {
        return conditionInvalid("COMMAND-qu6dfhiioq", `unknown service ${condition.service}`)
      }
      return Either.void
    case "Function":
      return hasFunction(catalog, condition.name)
        ? Either.void
        : conditionInvalid("COMMAND-cdy39t0ksr", `unknown function ${condition.name}`)
    case "Event":
      if (condition.event && !hasEventType(catalog, condition.event)) {
        return conditionInvalid("COMMAND-74aaqj8fv9", `unknown event type ${condition.event}`)
      }
      if (condition.group && !hasEventGroup(catalog, condition.group)) {
        return conditionInvalid("COMMAND-er5oneb5lz", `unknown event group ${condition.group}`)
      }
      return Either.void
  }
}

/**
 * ZITADEL's `execution.ID`: the type's string, a slash, then the value. A gRPC full method
 * already starts with a slash, which is not doubled, so `/pkg.Service/Method` gives
 * `request/pkg.Service/Method`: the id its request interceptor looks up and the one its
 * converter reads back (two slashes after the type: a method; one: a service; none: all).
 */
export const joinId = (type: "request" | "response" | "function" | "event", value: string) =>
  `${type}/${value.startsWith("/") ? value.slice(1) : value}`

/** The execution id a (valid) condition owns; `""` for an invalid one. */
export const executionId = (condition: Condition): string => {
  switch (condition._tag) {
    case "Request":
    case "Response": {
      const type = condition._tag === "Request" ? "request" : "response"
      if (condition.method) return joinId(type, condition.method)
      if (condition.service) return joinId(type, condition.service)
      return condition.all ? type : ""
    }
    case "Function":
      return condition.name === "" ? "" : joinId("function", condition.name)
    case "Event": {
      if (condition.event) return joinId("event", condition.event)
      if (condition.group) {
        const group = condition.group.endsWith(eventGroupSuffix)
          ? condition.group
          : condition.group + eventGroupSuffix
        return joinId("event", group)
      }
      return condition.all ? "event" : ""
    }
  }
}

const slashes = (value: string) => value.split("/").length - 1

/** The condition an execution id stands for, as ZITADEL's API converter reads it back. */
export const conditionOfId = (id: string): Condition | undefined => {
  const [type, ...rest] = id.split("/")
  const value = rest.join("/")
  switch (type) {
    case "request":
    case "response": {
      const make = type === "request" ? request : response
      if (rest.length === 0) return make({ all: true })
      if (slashes(value) === 1) return make({ method: `/${value}` })
      if (slashes(value) === 0) return make({ service: value })
      return undefined
    }
    case "function":
      return rest.length === 0 || value === "" ? undefined : fn(value)
    case "event":
      if (rest.length === 0) return event({ all: true })
      if (slashes(value) !== 0) return undefined
      return value.endsWith(eventGroupSuffix)
        ? event({ group: value.slice(0, -eventGroupSuffix.length) })
        : event({ event: value })
    default:
      return undefined
  }
}
