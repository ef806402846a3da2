/**
 * Users: the deciders (as `Decide`), the password policies and the use cases. The aggregate
 * itself (events, state, constraints) is `Identity.userAggregate`.
 */
export * as Decide from "./decide.js"
export * from "./policy.js"
export * from "./usecases.js"
