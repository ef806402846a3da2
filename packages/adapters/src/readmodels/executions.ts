/**
 * Read model of Actions v2 executions, after ZITADEL's `projections.executions1` and
 * `projections.executions1_targets`: one row per execution (its id is derived from the condition)
 * and one row per entry of its ordered list, each naming either a target or an included
 * execution.
 */
import { Execution, type StoredEvent } from "@citadel/domain"
import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import type { Projection } from "../projections/Projection.js"

export const ExecutionsTable = "projections.executions1"
export const ExecutionTargetsTable = "projections.executions1_targets"

const init = [
  "CREATE SCHEMA IF NOT EXISTS projections",
  `CREATE TABLE IF NOT EXISTS ${ExecutionsTable} (
  instance_id TEXT NOT NULL,
  id TEXT NOT NULL,
  creation_date TIMESTAMPTZ NOT NULL,
  change_date TIMESTAMPTZ NOT NULL,
  sequence BIGINT NOT NULL,
  PRIMARY KEY (instance_id, id)
)`,
  `CREATE TABLE IF NOT EXISTS ${ExecutionTargetsTable} (
  instance_id TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  include TEXT,
  target_id TEXT,
  PRIMARY KEY (instance_id, execution_id, position),
  CHECK ((include IS NULL) <> (target_id IS NULL))
)`,
  `CREATE INDEX IF NOT EXISTS executions1_targets_target_idx
  ON ${ExecutionTargetsTable} (instance_id, target_id)`,
  `CREATE INDEX IF NOT EXISTS executions1_targets_include_idx
  ON ${ExecutionTargetsTable} (instance_id, include)`
]

const removeExecution = (instanceId: string, id: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`
      DELETE FROM projections.executions1_targets
      WHERE instance_id = ${instanceId} AND execution_id = ${id}
    `
    yield* sql`DELETE FROM projections.executions1 WHERE instance_id = ${instanceId} AND id = ${id}`
  })

/**
 * Replaces the execution's whole list; positions are 1-based. An empty list removes the
 * execution, so that setting it again later starts with a new creation date.
 */
const setEntries = (event: StoredEvent, entries: ReadonlyArray<Execution.ExecutionEntry>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { instanceId, id } = event.aggregate
    if (entries.length === 0) {
      return yield* removeExecution(instanceId, id)
    }
    yield* sql`
      INSERT INTO projections.executions1 (instance_id, id, creation_date, change_date, sequence)
      VALUES (${instanceId}, ${id}, ${event.createdAt}, ${event.createdAt}, ${event.sequence})
      ON CONFLICT (instance_id, id) DO UPDATE SET
        change_date = EXCLUDED.change_date,
        sequence = EXCLUDED.sequence
    `
    yield* sql`
      DELETE FROM projections.executions1_targets
      WHERE instance_id = ${instanceId} AND execution_id = ${id}
    `
    const rows = entries.map((entry, index) => ({
      instance_id: instanceId,
      execution_id: id,
      position: index + 1,
      include: entry._tag === "Include" ? entry.executionId : null,
      target_id: entry._tag === "Target" ? entry.targetId : null
    }))
    yield* sql`INSERT INTO projections.executions1_targets ${sql.insert(rows)}`
  })

/**
 * Every execution event states the whole list (a removal an empty one), so the list is the
 * domain's fold of that one event: its decoder and `evolve` settle unknown entry types and the
 * order of a legacy set's two lists.
 */
const applyExecution = (event: StoredEvent) =>
  Option.match(Execution.decodeExecutionEvent(event), {
    // A payload no version of ZITADEL wrote cannot be projected; the event is skipped.
    onNone: () => Effect.void,
    onSome: (decoded) => setEntries(event, Execution.evolve(Execution.initial, decoded).entries)
  })

/** A removed target is dropped from every list naming it; no execution event is written. */
const targetRemoved = (event: StoredEvent) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`
      DELETE FROM projections.executions1_targets
      WHERE instance_id = ${event.aggregate.instanceId} AND target_id = ${event.aggregate.id}
    `
  })

const instanceRemoved = (event: StoredEvent) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const instanceId = event.aggregate.instanceId
    yield* sql`DELETE FROM projections.executions1_targets WHERE instance_id = ${instanceId}`
    yield* sql`DELETE FROM projections.executions1 WHERE instance_id = ${instanceId}`
  })

/**
 * Projects `execution.v2.set`, the legacy `execution.set` and `execution.removed` of the
 * `execution` aggregate, drops entries naming a target on `target.removed`, and drops an
 * instance's rows on `instance.removed`. Other events are ignored.
 */
export const ExecutionsProjection: Projection = {
  name: ExecutionsTable,
  init,
  tables: [ExecutionTargetsTable, ExecutionsTable],
  eventTypes: [
    "execution.v2.set",
    "execution.set",
    "execution.removed",
    "target.removed",
    "instance.removed"
  ],
  apply: (event) => {
    switch (`${event.aggregate.type}/${event.type}`) {
      case "execution/execution.v2.set":
      case "execution/execution.set":
      case "execution/execution.removed":
        return applyExecution(event)
      case "target/target.removed":
        return targetRemoved(event)
      case "instance/instance.removed":
        return instanceRemoved(event)
      default:
        return Effect.void
    }
  }
}
