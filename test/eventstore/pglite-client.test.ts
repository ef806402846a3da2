import * as Database from "@citadel/adapters/sql/Database"
import * as PgliteClient from "@citadel/adapters/sql/PgliteClient"
import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { describe, expect, it, layer } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"

const rowsOf = (sql: SqlClient.SqlClient) =>
  sql<{ readonly name: string }>`SELECT name FROM items ORDER BY name`.pipe(
    Effect.map((rows) => rows.map((row) => row.name))
  )

const freshTable = (sql: SqlClient.SqlClient) =>
  Effect.zipRight(
    sql`DROP TABLE IF EXISTS items`,
    sql`CREATE TABLE items (name text PRIMARY KEY)`
  )

layer(PgliteClient.layer(), { excludeTestServices: true })("PgliteClient", (it) => {
  it.effect("gives a transaction the database to itself while other statements wait", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* freshTable(sql)
      const inside = yield* Deferred.make<void>()
      const steps: Array<string> = []

      const transaction = yield* Effect.fork(
        sql.withTransaction(
          Effect.gen(function*() {
            yield* sql`INSERT INTO items (name) VALUES ('in transaction')`
            yield* Deferred.succeed(inside, undefined)
            yield* Effect.sleep("50 millis")
            steps.push("transaction failed")
            return yield* Effect.fail("rolled back")
          })
        )
      )
      yield* Deferred.await(inside)
      yield* sql`INSERT INTO items (name) VALUES ('outside')`
      steps.push("outside written")

      expect(yield* Effect.flip(Fiber.join(transaction))).toBe("rolled back")
      expect(steps).toEqual(["transaction failed", "outside written"])
      expect(yield* rowsOf(sql)).toEqual(["outside"])
    }))

  it.effect("nests transactions as savepoints", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* freshTable(sql)

      yield* sql.withTransaction(
        Effect.gen(function*() {
          yield* sql`INSERT INTO items (name) VALUES ('a')`
          const inner = yield* Effect.flip(
            sql.withTransaction(
              Effect.zipRight(sql`INSERT INTO items (name) VALUES ('b')`, Effect.fail("inner"))
            )
          )
          expect(inner).toBe("inner")
          yield* sql`INSERT INTO items (name) VALUES ('c')`
        })
      )

      expect(yield* rowsOf(sql)).toEqual(["a", "c"])
    }))

  it.effect("passes and reads JSON, numbers, times and nulls", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE vals (j jsonb, n numeric, b bigint, t timestamptz, s text)`
      const time = new Date("2024-05-01T10:00:00.123Z")
      const json = JSON.stringify({ a: [1, "x", null], b: { c: true } })

      yield* sql`INSERT INTO vals ${sql.insert({ j: json, n: "12.5", b: 42, t: time, s: null })}`
      const rows = yield* sql`SELECT j, n, b, t, s FROM vals`

      expect(rows).toEqual([
        { j: { a: [1, "x", null], b: { c: true } }, n: "12.5", b: 42, t: time, s: null }
      ])
    }))

  it.effect("fails a bad statement with a SqlError", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const error = yield* Effect.flip(sql`SELECT * FROM missing_table`)
      expect(error).toBeInstanceOf(SqlError)
    }))
})

describe("PgliteClient with a data folder, opened through Database", () => {

  it.live("keeps its data in a data folder across restarts", () =>
    Effect.acquireUseRelease(
      Effect.promise(() => mkdtemp(join(tmpdir(), "citadel-pglite-"))),
      (dataDir) =>
        Effect.gen(function*() {
          yield* Effect.gen(function*() {
            const sql = yield* SqlClient.SqlClient
            yield* sql`CREATE TABLE items (name text PRIMARY KEY)`
            yield* sql`INSERT INTO items (name) VALUES ('kept')`
          }).pipe(Effect.provide(PgliteClient.layer({ dataDir })))

          const names = yield* Effect.flatMap(SqlClient.SqlClient, rowsOf).pipe(
            Effect.provide(Database.layerFromUrlOrDir({ url: undefined, dataDir }))
          )
          expect(names).toEqual(["kept"])
        }),
      (dataDir) => Effect.promise(() => rm(dataDir, { recursive: true, force: true }))
    ))
})
