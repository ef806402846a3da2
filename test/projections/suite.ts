import * as Runner from "@citadel/adapters/projections/Runner"
import { origin, Projections } from "@citadel/domain"
import type { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Duration, Effect, type Layer } from "effect"
import { countRows, resetDatabase } from "../support/database.js"
import {
  appendAll,
  appliedRows,
  appliedTable,
  byAggregate,
  capturingLogger,
  event,
  handled,
  type LogEntry,
  logTable,
  recording,
  seed
} from "./fixtures.js"

/** Runner behaviour on one database engine; the database is shared and emptied per test. */
export const runnerSuite = <E>(name: string, shared: Layer.Layer<SqlClient.SqlClient, E>): void =>
  layer(shared, { excludeTestServices: true, timeout: Duration.seconds(60) })(name, (it) => {
    // Empties the database before the body, and before any runner layer the body builds.
    const fresh = <A, E2, R>(body: Effect.Effect<A, E2, R>) => Effect.zipRight(resetDatabase, body)

    it.effect("applies every event exactly once after a failure in the middle of a batch", () =>
      fresh(Effect.gen(function*() {
        const projection = recording({ failOnce: 4 })
        yield* Runner.initProjections([projection])
        const stored = yield* seed

        const error = yield* Effect.flip(Runner.runBatch(projection, 100))
        expect(error.message).toBe("injected failure")
        expect(yield* countRows(appliedTable)).toBe(0)
        expect(yield* countRows(logTable)).toBe(0)
        expect(yield* Runner.readCheckpoint(projection.name)).toEqual(origin)

        const resumed = yield* Runner.runBatch(projection, 100)
        expect(resumed).toEqual({
          skipped: false,
          processed: 10,
          applied: 7,
          checkpoint: stored[9]!.position
        })
        expect(yield* appliedRows).toEqual(byAggregate(handled(stored)))
        expect(yield* countRows(logTable)).toBe(7)
        expect(yield* Runner.readCheckpoint(projection.name)).toEqual(stored[9]!.position)

        expect(yield* Runner.runBatch(projection, 100)).toEqual({
          skipped: false,
          processed: 0,
          applied: 0,
          checkpoint: stored[9]!.position
        })
        expect(yield* countRows(logTable)).toBe(7)
      })))

    it.effect("moves the checkpoint in batches of the limit, past events it ignores", () =>
      fresh(Effect.gen(function*() {
        const projection = recording()
        yield* Runner.initProjections([projection])
        const stored = yield* seed

        const batches = [
          yield* Runner.runBatch(projection, 4),
          yield* Runner.runBatch(projection, 4),
          yield* Runner.runBatch(projection, 4)
        ]
        expect(batches).toEqual([
          { skipped: false, processed: 4, applied: 3, checkpoint: stored[3]!.position },
          { skipped: false, processed: 4, applied: 2, checkpoint: stored[7]!.position },
          { skipped: false, processed: 2, applied: 2, checkpoint: stored[9]!.position }
        ])

        const [ignored] = yield* appendAll([[event("d", "user.noted")]])
        expect(yield* Runner.runBatch(projection, 4)).toEqual({
          skipped: false,
          processed: 1,
          applied: 0,
          checkpoint: ignored!.position
        })
        expect(yield* appliedRows).toEqual(byAggregate(handled(stored)))
      })))

    it.effect("rebuilds a projection from the first event", () =>
      fresh(Effect.gen(function*() {
        const projection = recording()
        yield* Runner.initProjections([projection])
        const stored = yield* seed
        yield* Runner.runBatch(projection, 100)

        yield* Runner.rebuild(projection)
        expect(yield* countRows(appliedTable)).toBe(0)
        expect(yield* countRows(logTable)).toBe(0)
        expect(yield* Runner.readCheckpoint(projection.name)).toEqual(origin)

        expect(yield* Runner.runBatch(projection, 100)).toMatchObject({ processed: 10, applied: 7 })
        expect(yield* appliedRows).toEqual(byAggregate(handled(stored)))
      })))

    it.effect("runs in the background, retries a failed batch and lets callers wait for it", () => {
      const logs: Array<LogEntry> = []
      const projection = recording({ failOnce: 2 })
      return fresh(Effect.gen(function*() {
        const projections = yield* Projections
        const stored = yield* seed

        const started = Date.now()
        yield* projections.awaitPosition(stored[9]!.position)

        expect(Date.now() - started).toBeLessThan(5_000)
        expect(yield* appliedRows).toEqual(byAggregate(handled(stored)))
        expect(yield* countRows(logTable)).toBe(7)
        expect(logs).toEqual([{
          level: "WARN",
          message: "Projection batch failed",
          annotations: { projection: "es_test.recording", error: "SqlError" }
        }])
      }).pipe(
        Effect.provide(Runner.layer([projection], { pollInterval: Duration.hours(1) }))
      )).pipe(Effect.provide(capturingLogger(logs)))
    })

    it.effect("gives up waiting after the timeout when a projection cannot catch up", () => {
      const logs: Array<LogEntry> = []
      const projection = recording({ failAlways: true })
      return fresh(Effect.gen(function*() {
        const projections = yield* Projections
        const stored = yield* seed

        const started = Date.now()
        yield* projections.awaitPosition(stored[9]!.position)
        const waited = Date.now() - started

        expect(waited).toBeGreaterThanOrEqual(250)
        expect(waited).toBeLessThan(5_000)
        expect(yield* countRows(appliedTable)).toBe(0)
        expect(logs.length).toBeGreaterThan(0)
      }).pipe(
        Effect.provide(
          Runner.layer([projection], {
            pollInterval: Duration.hours(1),
            awaitTimeout: Duration.millis(300)
          })
        )
      )).pipe(Effect.provide(capturingLogger(logs)))
    })

    it.effect("waits for nothing when the position is already reached", () =>
      fresh(Effect.gen(function*() {
        const projections = yield* Projections
        const started = Date.now()
        yield* projections.awaitPosition(origin)
        expect(Date.now() - started).toBeLessThan(1_000)
      }).pipe(
        Effect.provide(Runner.layer([recording()], { pollInterval: Duration.hours(1) }))
      )))
  })
