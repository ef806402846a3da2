import { Either, Redacted } from "effect"
import * as path from "node:path"

/** The server's settings, read once from the environment at start. */
export interface ServerConfig {
  readonly host: string
  readonly port: number
  /** Where the embedded database and the server's local secrets live. */
  readonly dataDir: string
  /** PostgreSQL instead of the embedded database when set. */
  readonly databaseUrl: Redacted.Redacted<string> | undefined
  /** The URL clients reach the default instance at; its host is the instance's domain. */
  readonly externalUrl: URL
  /** 32 bytes that encrypt secrets at rest; generated into the data folder when absent. */
  readonly masterKey: Redacted.Redacted<string> | undefined
  /** Where the admin's personal access token is written on first start. */
  readonly adminTokenFile: string
  /** Failed password checks in a row that lock a user; 0 never locks. */
  readonly maxPasswordAttempts: number
  readonly logLevel: "debug" | "info" | "warning" | "error"
  readonly logFormat: "logfmt" | "json"
}

type Env = Readonly<Record<string, string | undefined>>

const logLevels = ["debug", "info", "warning", "error"] as const
const logFormats = ["logfmt", "json"] as const

/**
 * Reads and checks every setting; on failure returns one line per bad value, so the operator
 * fixes them all at once. Secret values are never echoed.
 */
export const readConfig = (
  env: Env,
  cwd: string
): Either.Either<ServerConfig, ReadonlyArray<string>> => {
  const problems: Array<string> = []
  const bad = (name: string, rule: string, value?: string) => {
    const got = value === undefined ? "" : `, got ${JSON.stringify(value)}`
    problems.push(`${name} ${rule}${got}`)
  }

  const host = env.HOST ?? "127.0.0.1"
  if (host.trim() === "") bad("HOST", "must not be empty")

  const portText = env.PORT ?? "8080"
  const portValid = /^\d+$/.test(portText) && Number(portText) <= 65535
  const port = portValid ? Number(portText) : 8080
  if (!portValid) bad("PORT", "must be an integer from 0 to 65535", portText)

  const dataDir = path.resolve(cwd, env.CITADEL_DATA_DIR ?? ".citadel-data")
  if (env.CITADEL_DATA_DIR !== undefined && env.CITADEL_DATA_DIR.trim() === "") {
    bad("CITADEL_DATA_DIR", "must not be empty")
  }

  let databaseUrl: Redacted.Redacted<string> | undefined
  const rawDatabaseUrl = env.DATABASE_URL
  if (rawDatabaseUrl !== undefined && rawDatabaseUrl !== "") {
    const parsed = URL.canParse(rawDatabaseUrl) ? new URL(rawDatabaseUrl) : undefined
    if (parsed === undefined || !["postgres:", "postgresql:"].includes(parsed.protocol)) {
      bad("DATABASE_URL", "must be a postgres:// or postgresql:// URL")
    } else {
      databaseUrl = Redacted.make(rawDatabaseUrl)
    }
  }

  // The default is derived from HOST and PORT; a bad one of those is reported once, under its name.
  const urlHost = host.includes(":") ? `[${host}]` : host
  const externalText = env.CITADEL_EXTERNAL_URL ?? `http://${urlHost}:${port === 0 ? 8080 : port}`
  const derivedFromBad = env.CITADEL_EXTERNAL_URL === undefined &&
    (host.trim() === "" || !portValid)
  let externalUrl = new URL("http://localhost")
  if (URL.canParse(externalText) && /^https?:$/.test(new URL(externalText).protocol)) {
    externalUrl = new URL(externalText)
  } else if (!derivedFromBad) {
    bad("CITADEL_EXTERNAL_URL", "must be an absolute http or https URL", externalText)
  }

  let masterKey: Redacted.Redacted<string> | undefined
  const rawMasterKey = env.CITADEL_MASTERKEY
  if (rawMasterKey !== undefined && rawMasterKey !== "") {
    if (Buffer.byteLength(rawMasterKey, "utf8") !== 32) {
      bad("CITADEL_MASTERKEY", "must be exactly 32 bytes long")
    } else {
      masterKey = Redacted.make(rawMasterKey)
    }
  } else if (databaseUrl !== undefined) {
    bad("CITADEL_MASTERKEY", "must be set when DATABASE_URL is, so every server shares the key")
  }

  const adminTokenFile = path.resolve(dataDir, env.CITADEL_ADMIN_TOKEN_FILE ?? "admin.pat")

  const attemptsText = env.CITADEL_MAX_PASSWORD_ATTEMPTS ?? "5"
  const maxPasswordAttempts = Number(attemptsText)
  if (!/^\d{1,4}$/.test(attemptsText)) {
    bad("CITADEL_MAX_PASSWORD_ATTEMPTS", "must be an integer from 0 to 9999", attemptsText)
  }

  const logLevel = (env.LOG_LEVEL ?? "info").toLowerCase()
  if (!(logLevels as ReadonlyArray<string>).includes(logLevel)) {
    bad("LOG_LEVEL", `must be one of ${logLevels.join(", ")}`, env.LOG_LEVEL)
  }
  const logFormat = (env.LOG_FORMAT ?? "logfmt").toLowerCase()
  if (!(logFormats as ReadonlyArray<string>).includes(logFormat)) {
    bad("LOG_FORMAT", `must be one of ${logFormats.join(", ")}`, env.LOG_FORMAT)
  }

  if (problems.length > 0) return Either.left(problems)
  return Either.right({
    host,
    port,
    dataDir,
    databaseUrl,
    externalUrl,
    masterKey,
    adminTokenFile,
    maxPasswordAttempts,
    logLevel: logLevel as ServerConfig["logLevel"],
    logFormat: logFormat as ServerConfig["logFormat"]
  })
}
