import * as Runner from "@citadel/adapters/projections/Runner"
import { comparePositions, origin, Projections, type StoredEvent } from "@citadel/domain"
import { describe, expect, layer } from "@effect/vitest"
import { Context, Deferred, Duration, Effect, Fiber, Layer } from "effect"
import { countRows, resetDatabase } from "../support/database.js"
import * as Postgres from "../support/postgres.js"
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
import { runnerSuite } from "./suite.js"

describe.skipIf(!Postgres.databaseUrl)("projection runner on PostgreSQL", () => {
  runnerSuite("single process", Postgres.layer("es_runner"))

  layer(Postgres.layer("es_runners"), { excludeTestServices: true, timeout: Duration.seconds(60) })(
    "several processes",
    (it) => {
      it.scoped("skips a batch while another process runs the projection", () =>
        Effect.gen(function*() {
          yield* resetDatabase
          const { url } = yield* Postgres.TestDatabase
          const other = yield* Layer.build(Postgres.clientLayer(url, 2))
          const hold = {
            entered: yield* Deferred.make<void>(),
            release: yield* Deferred.make<void>()
          }
          const projection = recording({ hold })
          yield* Runner.initProjections([projection])
          const stored = yield* seed

          const first = yield* Effect.fork(Runner.runBatch(projection, 100))
          yield* Deferred.await(hold.entered)
          const second = yield* Runner.runBatch(projection, 100).pipe(Effect.provide(other))
          yield* Deferred.succeed(hold.release, undefined)

          expect(second).toEqual({ skipped: true, processed: 0, applied: 0, checkpoint: origin })
          expect(yield* Fiber.join(first)).toEqual({
            skipped: false,
            processed: 10,
            applied: 7,
            checkpoint: stored[9]!.position
          })
        }))

      it.scoped("two runners on separate pools apply each event exactly once", () => {
        const logs: Array<LogEntry> = []
        return Effect.gen(function*() {
          yield* resetDatabase
          const { url } = yield* Postgres.TestDatabase
          const projection = recording()
          const runner = (pool: string) =>
            Layer.build(
              Runner.layer([projection], { pollInterval: Duration.millis(20), batchSize: 5 }).pipe(
                Layer.provide(Postgres.clientLayer(url, 3)),
                Layer.annotateLogs("pool", pool)
              )
            ).pipe(Effect.map((context) => Context.get(context, Projections)))
          const first = yield* runner("first")
          const second = yield* runner("second")

          const writer = (w: number) =>
            Effect.forEach(
              Array.from({ length: 15 }, (_, n) => n),
              (n) =>
                appendAll([
                  Array.from({ length: 1 + (n % 3) }, (_, k) =>
                    event(`w${w}-${n % 4}`, k === 1 ? "user.noted" : "user.changed"))
                ]),
              { concurrency: 1 }
            )
          const written: Array<StoredEvent> = (yield* Effect.all(
            Array.from({ length: 4 }, (_, w) => writer(w)),
            { concurrency: "unbounded" }
          )).flat(2)
          const last = written.reduce((a, b) =>
            comparePositions(a.position, b.position) >= 0 ? a : b
          )

          yield* first.awaitPosition(last.position)
          yield* second.awaitPosition(last.position)

          const expected = handled(written)
          expect(expected.length).toBe(80)
          expect(yield* appliedRows).toEqual(byAggregate(expected))
          expect(yield* countRows(logTable)).toBe(expected.length)
          expect(yield* countRows(appliedTable)).toBe(expected.length)
          expect(logs).toEqual([])
        }).pipe(Effect.provide(capturingLogger(logs)))
      })
    }
  )
})
