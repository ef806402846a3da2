import { Effect, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"

/** Writes a file only its owner may read; fails if it exists, so nothing is overwritten. */
export const writePrivateFile = (file: string, content: string) =>
  Effect.tryPromise(async () => {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
    await fs.writeFile(file, content, { mode: 0o600, flag: "wx" })
  })

/**
 * The master key of the embedded setup: read from the data folder, or made (32 random
 * characters) and kept there on the first start.
 */
export const loadOrCreateMasterKey = (dataDir: string) =>
  Effect.gen(function*() {
    const file = path.join(dataDir, "masterkey")
    const existing = yield* Effect.tryPromise(() => fs.readFile(file, "utf8")).pipe(
      Effect.option
    )
    if (existing._tag === "Some") return Redacted.make(existing.value.trim())
    const key = randomBytes(24).toString("base64url")
    yield* writePrivateFile(file, `${key}\n`)
    return Redacted.make(key)
  })
