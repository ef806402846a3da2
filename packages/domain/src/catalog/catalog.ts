/**
 * What an execution condition may name: the gRPC services and methods, the functions and the
 * event types (and groups of them) this server knows. The execution decider refuses a
 * condition that names anything else.
 */
export interface Catalog {
  /** Service names without a leading slash, e.g. `zitadel.action.v2.ActionService`. */
  readonly services: ReadonlySet<string>
  /** Full gRPC method names, e.g. `/zitadel.action.v2.ActionService/CreateTarget`. */
  readonly methods: ReadonlySet<string>
  readonly functions: ReadonlySet<string>
  readonly eventTypes: ReadonlySet<string>
  /** Dotted prefixes of the event types, without the `.*` suffix, e.g. `user.human`. */
  readonly eventGroups: ReadonlySet<string>
}

/** ZITADEL's `domain.AllActionFunctions()`, what `ListExecutionFunctions` returns. */
export const defaultFunctions: ReadonlyArray<string> = [
  "preuserinfo",
  "preaccesstoken",
  "presamlresponse"
]

/** `zitadel.action.v2.ActionService`, every rpc of its proto. */
export const actionServiceMethods: ReadonlyArray<string> = [
  "CreateTarget",
  "UpdateTarget",
  "DeleteTarget",
  "GetTarget",
  "ListTargets",
  "AddPublicKey",
  "ActivatePublicKey",
  "DeactivatePublicKey",
  "RemovePublicKey",
  "ListPublicKeys",
  "SetExecution",
  "ListExecutions",
  "ListExecutionFunctions",
  "ListExecutionMethods",
  "ListExecutionServices"
].map((method) => `/zitadel.action.v2.ActionService/${method}`)

/** The event types the target and execution aggregates write or read. */
export const eventTypes: ReadonlyArray<string> = [
  "target.added",
  "target.changed",
  "target.removed",
  "execution.v2.set",
  "execution.set",
  "execution.removed"
]

/** Suffix ZITADEL appends to an event group in an execution id (`event/user.*`). */
export const eventGroupSuffix = ".*"

/** `/pkg.Service/Method` gives `pkg.Service`, as ZITADEL's `serviceFromFullMethod`. */
export const serviceOfMethod = (method: string): string | undefined => {
  const parts = method.split("/")
  return parts.length === 3 && parts[0] === "" && parts[1] !== "" && parts[2] !== ""
    ? parts[1]
    : undefined
}

/** Every proper dotted prefix: `user.human.added` gives `user` and `user.human`. */
const groupsOfEventType = (eventType: string): ReadonlyArray<string> => {
  const parts = eventType.split(".")
  const groups: Array<string> = []
  for (let end = 1; end < parts.length; end++) groups.push(parts.slice(0, end).join("."))
  return groups
}

/**
 * Builds a catalog from full gRPC method names and event types. Services are derived from the
 * methods. ZITADEL accepts any event group (its check is a stub that always says yes); here a
 * group must be a dotted prefix of a known event type, which is what a group can ever match.
 */
export const makeCatalog = (input: {
  readonly methods: ReadonlyArray<string>
  readonly eventTypes: ReadonlyArray<string>
  readonly functions?: ReadonlyArray<string> | undefined
}): Catalog => {
  const services = new Set<string>()
  for (const method of input.methods) {
    const service = serviceOfMethod(method)
    if (service !== undefined) services.add(service)
  }
  const eventGroups = new Set<string>()
  for (const eventType of input.eventTypes) {
    for (const group of groupsOfEventType(eventType)) eventGroups.add(group)
  }
  return {
    services,
    methods: new Set(input.methods),
    functions: new Set(input.functions ?? defaultFunctions),
    eventTypes: new Set(input.eventTypes),
    eventGroups
  }
}

const withLeadingSlash = (method: string) => method.startsWith("/") ? method : `/${method}`

const withoutGroupSuffix = (group: string) =>
  group.endsWith(eventGroupSuffix) ? group.slice(0, -eventGroupSuffix.length) : group

/** A method is known with or without its leading slash. */
export const hasMethod = (catalog: Catalog, method: string): boolean =>
  catalog.methods.has(withLeadingSlash(method))

export const hasService = (catalog: Catalog, service: string): boolean =>
  catalog.services.has(service.startsWith("/") ? service.slice(1) : service)

export const hasFunction = (catalog: Catalog, name: string): boolean => catalog.functions.has(name)

export const hasEventType = (catalog: Catalog, eventType: string): boolean =>
  catalog.eventTypes.has(eventType)

/** A group is known with or without its `.*` suffix. */
export const hasEventGroup = (catalog: Catalog, group: string): boolean =>
  catalog.eventGroups.has(withoutGroupSuffix(group))
