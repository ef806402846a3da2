import type { AggregateKey } from "@citadel/domain"

/** One string per aggregate; the separator cannot appear in ids read from JSON or paths. */
export const aggregateKey = (aggregate: AggregateKey): string =>
  `${aggregate.instanceId}\u0000${aggregate.type}\u0000${aggregate.id}`

const fnvOffset = 0xcbf29ce484222325n
const fnvPrime = 0x100000001b3n
const mask64 = (1n << 64n) - 1n

/**
 * A signed 64-bit FNV-1a hash of the aggregate, used as its advisory lock key. Two aggregates
 * sharing a key only serialise their writers; they never deadlock, because every writer takes
 * its keys in ascending order.
 */
export const lockKey = (aggregate: AggregateKey): bigint => {
  let hash = fnvOffset
  for (const byte of new TextEncoder().encode(aggregateKey(aggregate))) {
    hash = ((hash ^ BigInt(byte)) * fnvPrime) & mask64
  }
  return BigInt.asIntN(64, hash)
}

/** The aggregate's address alone (an `AggregateRef` also carries owner and version). */
export const toAggregateKey = (aggregate: AggregateKey): AggregateKey => ({
  instanceId: aggregate.instanceId,
  type: aggregate.type,
  id: aggregate.id
})

/** The distinct aggregates named by the events and the expectations, first mention first. */
export const distinctAggregates = (
  aggregates: Iterable<AggregateKey>
): ReadonlyArray<AggregateKey> => {
  const seen = new Map<string, AggregateKey>()
  for (const aggregate of aggregates) {
    const key = aggregateKey(aggregate)
    if (!seen.has(key)) seen.set(key, toAggregateKey(aggregate))
  }
  return [...seen.values()]
}

/** Code-point order of two strings, as PostgreSQL's "C" collation sorts them. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
