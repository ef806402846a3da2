import { IdGenerator } from "@citadel/domain"
import { Effect, Layer } from "effect"
import * as NodeCrypto from "node:crypto"

/**
 * Ids laid out as sonyflake's, which ZITADEL uses: 39 bits of time in 10 ms units since
 * 2014-09-01 UTC, an 8-bit sequence within one unit and a 16-bit machine id, printed in
 * decimal. Within one generator the ids strictly increase. Across processes they are unique as
 * long as the machine ids differ; by default each generator draws its machine id at random, so
 * two processes collide only if they draw the same 16 bits and issue in the same 10 ms unit
 * with the same sequence.
 */
export const epoch = Date.UTC(2014, 8, 1)

const unitMillis = 10
const sequenceBits = 8n
const machineBits = 16n
const maxSequence = (1 << Number(sequenceBits)) - 1

export interface SonyflakeOptions {
  /** 0 … 65535; random when absent. */
  readonly machineId?: number
  /** Milliseconds since 1970; the system time when absent. */
  readonly now?: () => number
}

/** A generator; each call of `next` returns a fresh id. */
export const makeGenerator = (options: SonyflakeOptions = {}): () => string => {
  const machineId = options.machineId ?? NodeCrypto.randomInt(0, 1 << Number(machineBits))
  if (!Number.isInteger(machineId) || machineId < 0 || machineId >= 1 << Number(machineBits)) {
    throw new RangeError("machineId must be an integer in 0 … 65535")
  }
  const now = options.now ?? Date.now
  let lastUnit = -1
  let sequence = 0

  return () => {
    const unit = Math.floor((now() - epoch) / unitMillis)
    if (unit > lastUnit) {
      lastUnit = unit
      sequence = 0
    } else if (sequence < maxSequence) {
      // Same unit, or the clock went back: stay on the last unit and count up.
      sequence += 1
    } else {
      // Sequence exhausted: borrow the next unit instead of sleeping, as sonyflake would.
      lastUnit += 1
      sequence = 0
    }
    const id = (BigInt(lastUnit) << (sequenceBits + machineBits)) |
      (BigInt(sequence) << machineBits) |
      BigInt(machineId)
    return id.toString()
  }
}

/** The IdGenerator port on a sonyflake-style generator. */
export const layer = (options: SonyflakeOptions = {}): Layer.Layer<IdGenerator> =>
  Layer.sync(IdGenerator, () => {
    const next = makeGenerator(options)
    return { next: Effect.sync(next) }
  })
