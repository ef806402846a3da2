import { Either } from "effect"
import { expect } from "vitest"
import { DomainError, fold, type WriteModel } from "../../src/kernel/index.js"

type Decision<E> = Either.Either<ReadonlyArray<E>, DomainError>

/** Given these events, when this decision runs with this input: its events or its refusal. */
export const given = <S, E>(model: WriteModel<S, E>, events: ReadonlyArray<E>) => ({
  when: <I>(decide: (state: S, input: I) => Decision<E>, input: I): Decision<E> =>
    decide(fold(model, events), input)
})

/** The events of an accepted decision; fails the test on a refusal. */
export const eventsOf = <E>(decision: Decision<E>): ReadonlyArray<E> => {
  if (Either.isLeft(decision)) {
    expect.fail(`expected events, got ${decision.left.kind} ${decision.left.message}`)
  }
  return decision.right
}

/** The refusal of a decision as plain data; fails the test when it was accepted. */
export const refusalOf = (decision: Either.Either<unknown, unknown>) => {
  if (Either.isRight(decision)) expect.fail("expected a refusal, got a success")
  if (!(decision.left instanceof DomainError)) expect.fail(`expected a DomainError`)
  const { kind, id, message, detail } = decision.left
  return detail === undefined ? { kind, id, message } : { kind, id, message, detail }
}
