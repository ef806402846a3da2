/**
 * `pnpm bench`: event store appends and projection catch-up, each beside plain SQL doing the same
 * writes, on an in-memory PGlite and, when DATABASE_URL is set, on a fresh PostgreSQL database.
 * `pnpm bench --quick` does a fraction of the work, to check that everything runs;
 * `--catch-up-events=20000` changes how many events the catch-up fills the store with.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { loadavg } from "node:os"
import { type AppendResult, runAppendScenario, scenarios, type Timing } from "./append.js"
import { batchSize, type CatchUpResult, runCatchUp } from "./catchup.js"
import { type Backend, pglite, postgres, serverVersion } from "./databases.js"
import { describeMachine } from "./machine.js"
import { formatRate, formatRatio, table, timed } from "./stats.js"

const quick = process.argv.includes("--quick")

/** Each repetition's event store side is sized by the warm-up to take about `targetMs`. */
const oneEventTiming: Timing = quick
  ? { warmUpAppends: 20, targetMs: 150, minAppends: 20, maxAppends: 200, repetitions: 2 }
  : { warmUpAppends: 50, targetMs: 700, minAppends: 50, maxAppends: 2_000, repetitions: 5 }

const batchedTiming: Timing = quick
  ? { warmUpAppends: 1, targetMs: 150, minAppends: 1, maxAppends: 5, repetitions: 2 }
  : { warmUpAppends: 3, targetMs: 700, minAppends: 3, maxAppends: 50, repetitions: 5 }

const catchUpEvents = (fallback: number): number => {
  const option = process.argv.find((arg) => arg.startsWith("--catch-up-events="))
  const value = Number(option?.slice("--catch-up-events=".length))
  return option !== undefined && Number.isInteger(value) && value >= 100 ? value : fallback
}

// 10 000 events rather than 20 000 keeps a whole run on both databases near 2 minutes on 2 cores.
const catchUpSizes = quick
  ? { events: catchUpEvents(2_000), repetitions: 2, warmUpBatches: 3 }
  : { events: catchUpEvents(10_000), repetitions: 3, warmUpBatches: 20 }

const appendTable = (results: ReadonlyArray<AppendResult>): string =>
  table(
    ["append scenario", "events/rep", "event store ev/s", "plain INSERT ev/s", "store/plain"],
    results.map((r) => [
      r.name,
      String(r.events),
      formatRate(r.store),
      formatRate(r.plain),
      formatRatio(r.ratio)
    ])
  )

const catchUpTable = (result: CatchUpResult): string =>
  table(
    ["catch-up", "events/s", "vs INSERT…SELECT"],
    [
      [
        "runner: targets projection",
        formatRate(result.targets),
        formatRatio(result.ratios.targets)
      ],
      [
        "runner: executions projection",
        formatRate(result.executions),
        formatRatio(result.ratios.executions)
      ],
      ["runner: both, one round", formatRate(result.both), formatRatio(result.ratios.both)],
      [`INSERT…SELECT, ${batchSize} events/tx`, formatRate(result.copyInBatches), "1"],
      ["INSERT…SELECT, one statement", formatRate(result.copyAtOnce), ""]
    ]
  )

const load = () => loadavg().map((value) => value.toFixed(2)).join(" ")

const runOn = (backend: Backend) =>
  Effect.gen(function*() {
    const version = yield* serverVersion
    yield* Console.log(`\n== ${backend.name}: ${version} ==\n`)

    const results: Array<AppendResult> = []
    for (const scenario of scenarios()) {
      const timing = scenario.eventsPerAppend === 1 ? oneEventTiming : batchedTiming
      results.push(yield* runAppendScenario(scenario, timing))
    }
    yield* Console.log(appendTable(results))

    const catchUp = yield* runCatchUp(
      catchUpSizes.events,
      catchUpSizes.repetitions,
      catchUpSizes.warmUpBatches
    )
    const { fill } = catchUp
    yield* Console.log(
      `\nstore filled with ${fill.events} events (${fill.targets} targets, ` +
        `${fill.removedTargets} of them removed; ${fill.executions} executions) ` +
        `in appends of 100 at ${Math.round(catchUp.fillRate)} ev/s\n`
    )
    yield* Console.log(catchUpTable(catchUp))
  }).pipe(Effect.provide(backend.layer))

const main = Effect.gen(function*() {
  const machine = describeMachine()
  yield* Console.log(
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `PGlite ${machine.pglite}${quick ? "; quick run" : ""}; load average ${load()}`
  )
  yield* Console.log(
    `appends: 1 warm-up, ${oneEventTiming.repetitions} repetitions; catch-up: ` +
      `${catchUpSizes.events} events, ${batchSize} per batch, ${catchUpSizes.repetitions} ` +
      `repetitions; rates: median ±half the range; ratios: median (min–max) per repetition`
  )

  const pgliteRun = yield* timed(runOn(pglite))
  yield* Console.log(`\nPGlite part: ${(pgliteRun.ms / 1000).toFixed(1)} s; load average ${load()}`)

  const url = process.env.DATABASE_URL
  if (url === undefined || url === "") {
    yield* Console.log(
      "\n== PostgreSQL: skipped ==\n" +
        "DATABASE_URL is not set. To measure PostgreSQL too, name a server whose role may " +
        "create databases:\n  DATABASE_URL=postgres://user:password@127.0.0.1:5432/postgres " +
        "pnpm bench\nA database bench_<random> is created there and dropped at the end."
    )
    return
  }
  const postgresRun = yield* timed(runOn(postgres(url)))
  yield* Console.log(
    `\nPostgreSQL part: ${(postgresRun.ms / 1000).toFixed(1)} s; load average ${load()}`
  )
})

NodeRuntime.runMain(main)
