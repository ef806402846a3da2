import { IdGenerator } from "@citadel/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as SonyflakeIds from "../../packages/adapters/src/ids/index.js"

const layout = (id: string) => {
  const n = BigInt(id)
  return {
    unit: Number(n >> 24n),
    sequence: Number((n >> 16n) & 0xffn),
    machine: Number(n & 0xffffn)
  }
}

describe("SonyflakeIds", () => {
  it("lays out time, sequence and machine id as sonyflake does", () => {
    const at = SonyflakeIds.epoch + 12_345 * 10
    const next = SonyflakeIds.makeGenerator({ machineId: 7, now: () => at })
    expect(layout(next())).toEqual({ unit: 12_345, sequence: 0, machine: 7 })
    expect(layout(next())).toEqual({ unit: 12_345, sequence: 1, machine: 7 })
  })

  it("issues strictly increasing decimal ids [frozen clock, sequence overflow]", () => {
    const next = SonyflakeIds.makeGenerator({ machineId: 1, now: () => Date.UTC(2025, 0, 1) })
    const ids = Array.from({ length: 2_000 }, next)
    for (const id of ids) expect(id).toMatch(/^[1-9][0-9]*$/)
    for (let i = 1; i < ids.length; i++) expect(BigInt(ids[i]!) > BigInt(ids[i - 1]!)).toBe(true)
  })

  it("keeps increasing when the clock goes back", () => {
    let now = Date.UTC(2025, 0, 1)
    const next = SonyflakeIds.makeGenerator({ machineId: 1, now: () => now })
    const first = next()
    now -= 60_000
    expect(BigInt(next()) > BigInt(first)).toBe(true)
  })

  it("never collides across two generators with different machine ids", () => {
    const now = () => Date.UTC(2025, 0, 1)
    const a = SonyflakeIds.makeGenerator({ machineId: 1, now })
    const b = SonyflakeIds.makeGenerator({ machineId: 2, now })
    const ids = new Set(Array.from({ length: 1_000 }, () => [a(), b()]).flat())
    expect(ids.size).toBe(2_000)
  })

  it("rejects a machine id outside 16 bits", () => {
    expect(() => SonyflakeIds.makeGenerator({ machineId: 65_536 })).toThrow(RangeError)
  })

  it.effect("serves the IdGenerator port with unique ids", () =>
    Effect.gen(function*() {
      const ids = yield* IdGenerator
      const drawn = yield* Effect.all(Array.from({ length: 500 }, () => ids.next))
      expect(new Set(drawn).size).toBe(500)
    }).pipe(Effect.provide(SonyflakeIds.layer())))
})
