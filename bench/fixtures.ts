/**
 * Events shaped as the domain writes them: payloads from the aggregates' own encoders, unique
 * constraints from their own rules, one expectation per aggregate as the use case sets it.
 */
import {
  type AggregateSpec,
  type CryptoValue,
  Execution,
  type Expectation,
  type PendingEvent,
  Target
} from "@citadel/domain"

export const instanceId = "312000000000000001"
const creator = "312000000000000002"
const createdAt = new Date("2025-03-01T09:30:00.000Z")

/** 32 key bytes, encrypted, as the crypto adapter stores a target's signing key. */
const signingKey: CryptoValue = {
  CryptoType: 0,
  Algorithm: "aes",
  KeyID: "targetSigningKey",
  Crypted: Buffer.alloc(48, 7).toString("base64")
}

/** An 18-digit id, shaped like the ids the id generator hands out. */
export const targetId = (n: number): string => `3130${String(n).padStart(14, "0")}`

/** One planned event: what to append, what to expect before it, and the sequence it gets. */
export interface Planned {
  readonly event: PendingEvent
  readonly expectation: Expectation
  readonly sequence: number
}

/** One append as a command would issue it, and the sequence the store gives each event. */
export interface Append {
  readonly events: ReadonlyArray<PendingEvent>
  readonly expectations: ReadonlyArray<Expectation>
  readonly sequences: ReadonlyArray<number>
}

/**
 * The write models of one aggregate type, kept on the client: each planned event carries the
 * constraints the aggregate's rules give it and the expectation of the sequence before it.
 */
export const makeStreams = <S, E>(spec: AggregateSpec<S, E>) => {
  const streams = new Map<string, { readonly state: S; readonly sequence: number }>()
  return (id: string, event: E): Planned => {
    const current = streams.get(id) ?? { state: spec.model.initial, sequence: 0 }
    const { type, payload } = spec.encode(event)
    const planned: Planned = {
      event: {
        aggregate: { instanceId, type: spec.type, id, owner: instanceId, version: spec.version },
        type,
        payload,
        creator,
        createdAt,
        constraints: spec.constraints(current.state, event)
      },
      expectation: { aggregate: { instanceId, type: spec.type, id }, sequence: current.sequence },
      sequence: current.sequence + 1
    }
    streams.set(id, {
      state: spec.model.evolve(current.state, event),
      sequence: current.sequence + 1
    })
    return planned
  }
}

/** One append of the planned events, expecting each aggregate where its first event found it. */
export const toAppend = (planned: ReadonlyArray<Planned>): Append => {
  const expectations = new Map<string, Expectation>()
  for (const { expectation } of planned) {
    const key = `${expectation.aggregate.type}/${expectation.aggregate.id}`
    if (!expectations.has(key)) expectations.set(key, expectation)
  }
  return {
    events: planned.map((p) => p.event),
    expectations: [...expectations.values()],
    sequences: planned.map((p) => p.sequence)
  }
}

export const chunk = <A>(
  items: ReadonlyArray<A>,
  size: number
): ReadonlyArray<ReadonlyArray<A>> => {
  const chunks: Array<ReadonlyArray<A>> = []
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size))
  }
  return chunks
}

export const targetAdded = (n: number): Target.TargetEvent => ({
  _tag: "TargetAdded",
  name: `bench-target-${n}`,
  targetType: n % 3 === 0 ? Target.TargetType.Call : Target.TargetType.Webhook,
  endpoint: `https://hooks.example.com/citadel/${n}`,
  timeout: 10_000_000_000,
  interruptOnError: n % 2 === 0,
  signingKey,
  payloadType: Target.PayloadType.Json
})

/** A change of endpoint and timeout; a rename too (which moves the unique name) when asked. */
export const targetChanged = (n: number, round: number, rename = false): Target.TargetEvent => ({
  _tag: "TargetChanged",
  endpoint: `https://hooks.example.com/citadel/${n}/v${round}`,
  timeout: (5 + (round % 10)) * 1_000_000_000,
  ...(rename ? { name: `bench-target-${n}-r${round}` } : {})
})

export const targetRemoved: Target.TargetEvent = { _tag: "TargetRemoved" }

/** An execution on a request condition, calling the given targets in order. */
export const executionSet = (targetIds: ReadonlyArray<string>): Execution.ExecutionEvent => ({
  _tag: "ExecutionSet",
  entries: targetIds.map(Execution.targetEntry)
})

export const executionId = (k: number): string =>
  Execution.executionId(
    Execution.request({ method: `/citadel.bench.v1.Service${k % 50}/Method${k}` })
  )
