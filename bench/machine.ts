/** What the numbers were measured on, printed above them. */
import { readFileSync } from "node:fs"
import * as os from "node:os"

const pgliteVersion = (): string => {
  try {
    const entry = import.meta.resolve("@electric-sql/pglite")
    const manifest = JSON.parse(readFileSync(new URL("../package.json", entry), "utf8")) as {
      readonly version?: string
    }
    return manifest.version ?? "unknown"
  } catch {
    return "unknown"
  }
}

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly node: string
  readonly pglite: string
}

export const describeMachine = (): Machine => {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    pglite: pgliteVersion()
  }
}
