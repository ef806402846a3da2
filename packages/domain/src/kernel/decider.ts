import type { Either } from "effect"
import type { DomainError } from "./errors.js"

/**
 * A write model is a fold: `events.reduce(evolve, initial)`. `evolve` is total: an event it does
 * not know leaves the state as it is.
 */
export interface WriteModel<S, E> {
  readonly initial: S
  readonly evolve: (state: S, event: E) => S
}

export const fold = <S, E>(model: WriteModel<S, E>, events: Iterable<E>): S => {
  let state = model.initial
  for (const event of events) state = model.evolve(state, event)
  return state
}

/** A decision: given the state and the command's input, the events to append or a refusal. */
export type Decide<S, I, E> = (state: S, input: I) => Either.Either<ReadonlyArray<E>, DomainError>
