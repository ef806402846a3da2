import * as fs from "node:fs"
import * as path from "node:path"

/** The file naming the process that has the embedded database open. */
export const lockFileName = "citadel.pid"

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Claims the data folder for this process: the embedded database is a single-process engine,
 * and a second server on the same folder would silently lose writes. A lock left by a process
 * that is gone is taken over. Returns the reason when another live process holds it.
 */
export const claimDataDir = (dataDir: string): string | undefined => {
  const file = path.join(dataDir, lockFileName)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o600 })
      process.once("exit", () => releaseDataDir(file))
      return undefined
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
    }
    const holder = Number(fs.readFileSync(file, "utf8").trim())
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      return `the data folder ${dataDir} is in use by process ${holder}` +
        ` (delete ${file} if that process is not a Citadel server)`
    }
    fs.rmSync(file, { force: true })
  }
  return `could not claim the data folder ${dataDir}`
}

const releaseDataDir = (file: string) => {
  try {
    if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.rmSync(file)
  } catch {
    // already gone
  }
}
