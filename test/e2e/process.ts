import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import * as net from "node:net"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

/**
 * The real server as a child process: node runs `packages/http/src/main.ts` through tsx's
 * loader, the same loader `pnpm start` (tsx's command line) puts into the node it spawns, with an
 * environment built from scratch for each start.
 *
 * The command line itself is left out on purpose: it relays SIGINT and SIGTERM to its node child
 * and, when that child does not acknowledge the signal within about 60 ms, kills it with SIGKILL
 * and exits with 128 + the signal. On a busy machine that skipped the server's own shutdown, so
 * here the signal goes straight to the server's pid.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const entryPoint = path.join(repoRoot, "packages/http/src/main.ts")
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href

/** Settings the server reads; none of them leaks in from the environment running the tests. */
const serverSettings = /^(HOST|PORT|DATABASE_URL|LOG_LEVEL|LOG_FORMAT|CITADEL_.*)$/

export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export interface ServerProcess {
  readonly pid: number
  readonly stdout: () => string
  readonly stderr: () => string
  /** Settles once the process has exited, with its code or the signal that ended it. */
  readonly exited: Promise<Exit>
}

const started = new Set<ChildProcess>()

/**
 * Starts the server in `cwd` with only `settings` as its configuration. The child leads its own
 * process group, so that cleaning up also ends anything it may have started.
 */
export const startServer = (
  cwd: string,
  settings: Readonly<Record<string, string>>
): ServerProcess => {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !serverSettings.test(name)) env[name] = value
  }
  const child = spawn(process.execPath, ["--import", tsxLoader, entryPoint], {
    cwd,
    env: { ...env, ...settings },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"]
  })
  if (child.pid === undefined) throw new Error("the server process did not start")
  started.add(child)
  let stdout = ""
  let stderr = ""
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
  })
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<Exit>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal }))
  })
  return { pid: child.pid, stdout: () => stdout, stderr: () => stderr, exited }
}

const timeout = <A>(promise: Promise<A>, ms: number, what: () => string): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what())), ms)
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}

/** Waits until stdout holds a line matching `pattern`; fails if the process exits first. */
export const waitForLine = (
  server: ServerProcess,
  pattern: RegExp,
  ms = 30_000
): Promise<RegExpMatchArray> => {
  const poll = new Promise<RegExpMatchArray>((resolve, reject) => {
    const check = () => {
      const match = server.stdout().split("\n").map((line) => line.match(pattern)).find(Boolean)
      if (match) return resolve(match)
      setTimeout(check, 50)
    }
    check()
    void server.exited.then((exit) =>
      reject(new Error(`server exited (${JSON.stringify(exit)}) before logging ${pattern}:\n` +
        server.stdout() + server.stderr()))
    )
  })
  return timeout(poll, ms, () => `no line matching ${pattern} within ${ms} ms:\n${server.stdout()}`)
}

/** The port of the server's "Listening on http://127.0.0.1:<port>" line. */
export const listeningPort = async (server: ServerProcess, ms = 30_000): Promise<number> => {
  const match = await waitForLine(server, /Listening on http:\/\/127\.0\.0\.1:(\d+)/, ms)
  return Number(match[1])
}

/** Sends `signal` to the process by its pid and waits for its exit. */
export const stopServer = (
  server: ServerProcess,
  signal: NodeJS.Signals,
  ms = 5_000
): Promise<Exit> => {
  process.kill(server.pid, signal)
  return timeout(server.exited, ms, () => `server still running ${ms} ms after ${signal}`)
}

/** Whether nothing listens on `port` of 127.0.0.1, proved by listening there for a moment. */
export const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = net.createServer()
    probe.once("error", () => resolve(false))
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)))
  })

/** Ends every process group started here, each by its leader's pid, whatever state it is in. */
export const killStarted = () => {
  for (const child of started) {
    try {
      process.kill(-child.pid!, "SIGKILL")
    } catch {
      // the whole group has exited
    }
  }
  started.clear()
}
