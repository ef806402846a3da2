import * as SqlEventStore from "@citadel/adapters/eventstore/SqlEventStore"
import { EventStore, origin } from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { resetDatabase } from "../support/database.js"
import * as Pglite from "../support/pglite.js"
import { brief, eventStoreContract, pending, user } from "./contract.js"

const fresh = Layer.merge(SqlEventStore.layer, Layer.effectDiscard(resetDatabase))

eventStoreContract({ name: "SqlEventStore on PGlite", shared: Pglite.layer, fresh })

layer(Pglite.layer, { excludeTestServices: true })("SqlEventStore inside a transaction", (it) => {
  it.effect("numbers the events of two appends in one transaction one after the other", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const store = yield* EventStore

      const stored = yield* sql.withTransaction(
        Effect.gen(function*() {
          const first = yield* store.append([pending(user("a"), "user.added")], [])
          const second = yield* store.append(
            [pending(user("b"), "user.added"), pending(user("a"), "user.changed")],
            []
          )
          return [...first, ...second]
        })
      )

      const position = stored[0]!.position.position
      expect(stored.map((e) => e.position)).toEqual([
        { position, inTxOrder: 0 },
        { position, inTxOrder: 1 },
        { position, inTxOrder: 2 }
      ])
      expect((yield* store.readAfter(origin, 10)).map(brief)).toEqual([
        "instance-1/user/a#1 user.added",
        "instance-1/user/b#1 user.added",
        "instance-1/user/a#2 user.changed"
      ])
    }).pipe(Effect.provide(fresh)))

  it.effect("rolls back its events with the transaction around it", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const store = yield* EventStore

      const error = yield* Effect.flip(sql.withTransaction(
        Effect.zipRight(store.append([pending(user("a"), "user.added")], []), Effect.fail("later"))
      ))

      expect(error).toBe("later")
      expect(yield* store.readAfter(origin, 10)).toEqual([])
    }).pipe(Effect.provide(fresh)))
})
