import { describe, expect, it } from "@effect/vitest"
import { Either, Redacted } from "effect"
import { readConfig } from "../src/config.js"

const cwd = "/srv/citadel"

describe("readConfig", () => {
  it("applies the defaults", () => {
    const config = Either.getOrThrow(readConfig({}, cwd))
    expect(config.host).toBe("127.0.0.1")
    expect(config.port).toBe(8080)
    expect(config.dataDir).toBe("/srv/citadel/.citadel-data")
    expect(config.adminTokenFile).toBe("/srv/citadel/.citadel-data/admin.pat")
    expect(config.externalUrl.href).toBe("http://127.0.0.1:8080/")
    expect(config.databaseUrl).toBeUndefined()
    expect(config.logLevel).toBe("info")
    expect(config.maxPasswordAttempts).toBe(5)
  })

  it("reads the lockout limit, 0 meaning never", () => {
    const never = readConfig({ CITADEL_MAX_PASSWORD_ATTEMPTS: "0" }, cwd)
    expect(Either.map(never, (c) => c.maxPasswordAttempts)).toEqual(Either.right(0))
    expect(readConfig({ CITADEL_MAX_PASSWORD_ATTEMPTS: "-1" }, cwd)).toEqual(Either.left([
      "CITADEL_MAX_PASSWORD_ATTEMPTS must be an integer from 0 to 9999, got \"-1\""
    ]))
  })

  it("reads every setting", () => {
    const config = Either.getOrThrow(readConfig({
      HOST: "0.0.0.0",
      PORT: "9000",
      CITADEL_DATA_DIR: "data",
      DATABASE_URL: "postgres://u:p@127.0.0.1:5432/db",
      CITADEL_MASTERKEY: "0123456789abcdef0123456789abcdef",
      CITADEL_EXTERNAL_URL: "https://id.example.com",
      LOG_LEVEL: "debug",
      LOG_FORMAT: "json"
    }, cwd))
    expect(config.port).toBe(9000)
    expect(config.dataDir).toBe("/srv/citadel/data")
    expect(Redacted.value(config.databaseUrl!)).toBe("postgres://u:p@127.0.0.1:5432/db")
    expect(config.externalUrl.host).toBe("id.example.com")
    expect(config.logFormat).toBe("json")
  })

  it("names every bad value on its own line [secrets not echoed]", () => {
    const result = readConfig({
      PORT: "80x",
      DATABASE_URL: "mysql://user:hunter2@db/x",
      CITADEL_MASTERKEY: "short-secret",
      CITADEL_EXTERNAL_URL: "ftp://x",
      LOG_LEVEL: "loud"
    }, cwd)
    const lines = Either.isLeft(result) ? result.left : []
    expect(lines).toEqual([
      "PORT must be an integer from 0 to 65535, got \"80x\"",
      "DATABASE_URL must be a postgres:// or postgresql:// URL",
      "CITADEL_EXTERNAL_URL must be an absolute http or https URL, got \"ftp://x\"",
      "CITADEL_MASTERKEY must be exactly 32 bytes long",
      "LOG_LEVEL must be one of debug, info, warning, error, got \"loud\""
    ])
    expect(lines.join("\n")).not.toContain("hunter2")
    expect(lines.join("\n")).not.toContain("short-secret")
  })

  it("requires a master key with PostgreSQL", () => {
    const problems = readConfig({ DATABASE_URL: "postgres://127.0.0.1/db" }, cwd)
    expect(problems).toEqual(Either.left([
      "CITADEL_MASTERKEY must be set when DATABASE_URL is, so every server shares the key"
    ]))
  })
})
