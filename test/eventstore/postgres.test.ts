import * as SqlEventStore from "@citadel/adapters/eventstore/SqlEventStore"
import {
  comparePositions,
  ConcurrencyConflict,
  EventStore,
  origin,
  type Position,
  type StoredEvent
} from "@citadel/domain"
import * as Database from "@citadel/adapters/sql/Database"
import { migrate } from "@citadel/adapters/sql/migrations"
import { SqlClient } from "@effect/sql"
import { describe, expect, it, layer } from "@effect/vitest"
import { Duration, Effect, Layer, Ref } from "effect"
import { resetDatabase } from "../support/database.js"
import * as Postgres from "../support/postgres.js"
import { brief, eventStoreContract, expecting, pending, user } from "./contract.js"

describe.skipIf(!Postgres.databaseUrl)("SqlEventStore on PostgreSQL", () => {
  eventStoreContract({
    name: "contract",
    shared: Postgres.layer("es_contract"),
    fresh: Layer.merge(SqlEventStore.layer, Layer.effectDiscard(resetDatabase))
  })

  it.live("migrates once when two processes start together, and again as a no-op", () =>
    Effect.gen(function*() {
      const url = yield* Postgres.freshDatabase("es_migrate")
      const first = yield* Layer.build(Postgres.clientLayer(url, 2))
      const second = yield* Layer.build(Postgres.clientLayer(url, 2))

      yield* Effect.all([
        Effect.provide(migrate, first),
        Effect.provide(migrate, second)
      ], { concurrency: "unbounded" })
      yield* Effect.provide(migrate, first)

      const tables = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql<{ readonly name: string }>`
          SELECT schemaname || '.' || tablename AS name FROM pg_tables
          WHERE schemaname IN ('eventstore', 'projections')
          ORDER BY 1
        `).pipe(Effect.provide(first))
      expect(tables.map((t) => t.name)).toEqual([
        "eventstore.events2",
        "eventstore.unique_constraints",
        "projections.current_states"
      ])
    }).pipe(Effect.scoped))

  it.live("opens PostgreSQL when given a URL", () =>
    Effect.gen(function*() {
      const url = yield* Postgres.freshDatabase("es_database")
      const [row] = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql<{ readonly name: string }>`SELECT current_database() AS name`).pipe(
          Effect.provide(Database.layerFromUrlOrDir({ url, dataDir: "unused" }))
        )
      expect(`/${row!.name}`).toBe(new URL(url).pathname)
    }).pipe(Effect.scoped))

  const shared = Postgres.layer("es_concurrency")
  const fresh = Layer.merge(SqlEventStore.layer, Layer.effectDiscard(resetDatabase))

  const options = { excludeTestServices: true, timeout: Duration.seconds(60) } as const
  layer(shared, options)("concurrency", (it) => {
    it.effect(
      "a reader following positions sees every event once, in order, while commits come late",
      () =>
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const store = yield* EventStore
          const writers = 6
          const appendsPerWriter = 20

          // Each append runs inside an outer transaction that sleeps before committing, so
          // transactions that took their position early often commit after later ones.
          const write = (writer: number) =>
            Effect.forEach(
              Array.from({ length: appendsPerWriter }, (_, n) => n),
              (n) =>
                sql.withTransaction(
                  Effect.gen(function*() {
                    const aggregate = user(`w${writer}-a${n % 3}`)
                    const events = n % 2 === 0
                      ? [pending(aggregate, "user.changed")]
                      : [pending(aggregate, "user.changed"), pending(aggregate, "user.changed")]
                    const stored = yield* store.append(events, [])
                    const [tx] = yield* sql<{ readonly xid: string }>`
                      SELECT pg_current_xact_id()::text AS xid
                    `
                    expect(stored[0]!.position.position).toBe(Number(tx!.xid))
                    const pause = Math.floor(Math.random() * 15)
                    yield* sql`SELECT pg_sleep(${pause / 1000})`
                    return stored
                  })
                ),
              { concurrency: 1 }
            ).pipe(Effect.map((batches) => batches.flat()))

          const seen = yield* Ref.make<ReadonlyArray<StoredEvent>>([])
          const writing = yield* Ref.make(true)
          const follow = Effect.gen(function*() {
            let cursor: Position = origin
            const deadline = Date.now() + 15_000
            while (Date.now() < deadline) {
              const stillWriting = yield* Ref.get(writing)
              const batch = yield* store.readAfter(cursor, 7)
              if (batch.length > 0) {
                cursor = batch.at(-1)!.position
                yield* Ref.update(seen, (events) => [...events, ...batch])
              } else if (!stillWriting) {
                // Writers are done and committed; stop once nothing is left below the horizon
                // (another session on the server may hold it back for a moment).
                const total = (yield* Ref.get(seen)).length
                if (total >= writers * appendsPerWriter * 1.5) return
                yield* Effect.sleep(Duration.millis(20))
              }
            }
          })

          const reader = yield* Effect.fork(follow)
          const written = yield* Effect.all(
            Array.from({ length: writers }, (_, writer) => write(writer)),
            { concurrency: "unbounded" }
          ).pipe(Effect.map((batches) => batches.flat()))
          yield* Ref.set(writing, false)
          yield* reader.await

          const read = yield* Ref.get(seen)
          expect(written.length).toBe(writers * appendsPerWriter * 1.5)
          expect(new Set(read.map(brief)).size).toBe(read.length)
          expect([...read.map(brief)].sort()).toEqual([...written.map(brief)].sort())
          for (let i = 1; i < read.length; i++) {
            expect(comparePositions(read[i - 1]!.position, read[i]!.position)).toBeLessThan(0)
          }
        }).pipe(Effect.provide(fresh))
    )

    it.effect("lets exactly one of concurrent writers take each next sequence", () =>
      Effect.gen(function*() {
        const store = yield* EventStore
        const alice = user("alice")
        const rounds = 5
        const contenders = 6

        for (let sequence = 0; sequence < rounds; sequence++) {
          const outcomes = yield* Effect.all(
            Array.from({ length: contenders }, () =>
              Effect.either(
                store.append([pending(alice, "user.changed")], [expecting(alice, sequence)])
              )),
            { concurrency: "unbounded" }
          )
          const won = outcomes.filter((o) => o._tag === "Right")
          const lost = outcomes.flatMap((o) => (o._tag === "Left" ? [o.left] : []))

          expect(won.map((o) => o.right.map(brief))).toEqual([[
            `instance-1/user/alice#${sequence + 1} user.changed`
          ]])
          expect(lost).toHaveLength(contenders - 1)
          for (const error of lost) {
            expect(error).toBeInstanceOf(ConcurrencyConflict)
            expect(error).toMatchObject({ expected: sequence, actual: sequence + 1 })
          }
        }

        const events = yield* store.read({ instanceId: "instance-1", aggregateType: "user" })
        expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5])
      }).pipe(Effect.provide(fresh)))
  })
})
