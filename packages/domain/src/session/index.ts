/**
 * Sessions (ZITADEL's session v2): the aggregate, its events and state, the deciders (as
 * `Decide`) and the use cases.
 */
export * from "./aggregate.js"
export * as Decide from "./decide.js"
export { type SessionAccess, sessionPermission } from "./decide.js"
export * from "./events.js"
export * from "./state.js"
export * from "./usecases.js"
