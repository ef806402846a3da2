import { NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Either, Layer, Logger, LogLevel } from "effect"
import * as fs from "node:fs"
import { readConfig } from "./config.js"
import { claimDataDir } from "./dataLock.js"

const config = readConfig(process.env, process.cwd())
if (Either.isLeft(config)) {
  for (const problem of config.left) process.stderr.write(`citadel: ${problem}\n`)
  process.exit(2)
}

const { dataDir, databaseUrl, logFormat, logLevel } = config.right
const refuse = (reason: string): never => {
  process.stderr.write(`citadel: ${reason}\n`)
  process.exit(2)
}
try {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
} catch (error) {
  refuse(`CITADEL_DATA_DIR ${dataDir} cannot be used as a folder (${(error as Error).message})`)
}
if (databaseUrl === undefined) {
  const busy = claimDataDir(dataDir)
  if (busy !== undefined) refuse(busy)
}

// The server's modules load only once the configuration is known to be good, so a bad value
// is refused at once.
const { serverLayer } = await import("./server.js")

const levels = {
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warning: LogLevel.Warning,
  error: LogLevel.Error
} as const

/** A failure to start is one line naming what failed, not a stack trace. */
const reportStartFailure = (cause: Cause.Cause<unknown>) =>
  Effect.logError("Server stopped").pipe(
    Effect.annotateLogs({ reason: Cause.pretty(cause).split("\n")[0] ?? "unknown" }),
    Effect.zipRight(Effect.sync(() => process.exit(1)))
  )

Layer.launch(serverLayer(config.right)).pipe(
  Effect.catchAllCause((cause) =>
    Cause.isInterruptedOnly(cause) ? Effect.void : reportStartFailure(cause)
  ),
  Effect.provide(logFormat === "json" ? Logger.json : Logger.logFmt),
  Logger.withMinimumLogLevel(levels[logLevel]),
  NodeRuntime.runMain({ disablePrettyLogger: true })
)
