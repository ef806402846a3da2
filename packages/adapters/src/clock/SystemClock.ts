import { Clock } from "@citadel/domain"
import { Context, Effect, Layer, Ref } from "effect"

/** The Clock port on the system time. */
export const layer: Layer.Layer<Clock> = Layer.succeed(Clock, {
  now: Effect.sync(() => new Date())
})

/** A clock that stands still at `start` until moved; for tests. */
export class TestClock extends Effect.Tag("citadel/TestClock")<TestClock, {
  readonly set: (date: Date) => Effect.Effect<void>
  readonly advance: (millis: number) => Effect.Effect<void>
}>() {}

export const layerTest = (start: Date): Layer.Layer<Clock | TestClock> =>
  Layer.effectContext(
    Effect.gen(function*() {
      const current = yield* Ref.make(start.getTime())
      return Context.make(Clock, {
        now: Ref.get(current).pipe(Effect.map((millis) => new Date(millis)))
      }).pipe(Context.add(TestClock, {
        set: (date) => Ref.set(current, date.getTime()),
        advance: (millis) => Ref.update(current, (now) => now + millis)
      }))
    })
  )
