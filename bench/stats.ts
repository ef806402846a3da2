/**
 * Timing and summary statistics of the benchmarks: throughput per repetition, then median and
 * range over the repetitions.
 */
import { Effect } from "effect"

/** Runs the effect and returns its result with the wall time it took, in milliseconds. */
export const timed = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<{ readonly value: A; readonly ms: number }, E, R> =>
  Effect.gen(function*() {
    const start = yield* Effect.sync(() => performance.now())
    const value = yield* effect
    const end = yield* Effect.sync(() => performance.now())
    return { value, ms: end - start }
  })

/** Events per second of `events` handled in `ms` milliseconds. */
export const perSecond = (events: number, ms: number): number => (events * 1000) / ms

export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
}

const medianOf = (sorted: ReadonlyArray<number>): number => {
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export const summarize = (values: ReadonlyArray<number>): Summary => {
  if (values.length === 0) throw new Error("no values to summarize")
  const sorted = [...values].sort((a, b) => a - b)
  return { median: medianOf(sorted), min: sorted[0]!, max: sorted[sorted.length - 1]! }
}

/** Half the range as a share of the median: `±4%` reads as "every run within 4% of it". */
export const spread = (summary: Summary): number =>
  summary.median === 0 ? 0 : (summary.max - summary.min) / 2 / summary.median

const grouped = (value: number): string =>
  Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, " ")

/** `12 345 ±3%`: the median rate and its spread. */
export const formatRate = (summary: Summary): string =>
  `${grouped(summary.median)} ±${Math.round(spread(summary) * 100)}%`

/** `0.42 (0.40–0.44)`: the median ratio and the range of the per-repetition ratios. */
export const formatRatio = (summary: Summary): string =>
  `${summary.median.toFixed(2)} (${summary.min.toFixed(2)}–${summary.max.toFixed(2)})`

/** A plain-text table with a header rule; columns after the first are right-aligned. */
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): string => {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length))
  )
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)
      )
      .join("  ")
      .trimEnd()
  const rule = widths.map((width) => "-".repeat(width)).join("  ")
  return [line(header), rule, ...rows.map(line)].join("\n")
}
