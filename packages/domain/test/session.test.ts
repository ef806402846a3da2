import { describe, expect, it } from "@effect/vitest"
import { Either, Option } from "effect"
import * as Identity from "../src/identity/index.js"
import * as Session from "../src/session/index.js"
import { eventsOf, given, refusalOf } from "./support/given.js"

const { Decide } = Session
const model = Session.sessionAggregate.model
const givenSession = (events: ReadonlyArray<Session.SessionEvent>) => given(model, events)

const t0 = new Date("2026-05-01T10:00:00.000Z")
const t1 = new Date("2026-05-01T10:05:00.000Z")
const minute = 60_000_000_000

const token = { tokenId: "tok-2", tokenHash: "hash-2" }
const ada: Session.Decide.CheckedUser = {
  userId: "ada",
  resourceOwner: "org-a",
  preferredLanguage: "en",
  checkedAt: t1
}

const added: Session.SessionEvent = { _tag: "SessionAdded" }
const adaChecked: Session.SessionEvent = {
  _tag: "UserChecked",
  userID: "ada",
  userResourceOwner: "org-a",
  checkedAt: t0
}
const firstToken: Session.SessionEvent = { _tag: "TokenSet", tokenID: "tok-1", tokenHash: "hash-1" }
const active = [added, adaChecked, firstToken]

const byToken = (tokenHash: string): Session.SessionAccess => ({ _tag: "Token", tokenHash })
const byCaller = (
  userId: string,
  grants: ReadonlyArray<readonly [string, string | undefined]> = []
): Session.SessionAccess => ({
  _tag: "Caller",
  userId,
  // a grant without an org is instance-wide and covers every org
  may: (permission, orgId) =>
    grants.some(([p, o]) => p === permission && (o === undefined || o === orgId))
})

const denied = (permission: string) => ({
  kind: "PermissionDenied",
  id: "AUTHZ-HKJD33",
  message: "Errors.PermissionDenied",
  detail: `missing ${permission}`
})
const invalidToken = {
  kind: "PermissionDenied",
  id: "COMMAND-sGr42",
  message: "Errors.Session.Token.Invalid"
}

describe("session events", () => {
  it("stores ZITADEL's event types and payload names, without setAt", () => {
    const encode = Session.sessionAggregate.encode
    expect(encode({ _tag: "SessionAdded", user_agent: { fingerprint_id: "fp", ip: "1.2.3.4" } }))
      .toEqual({
        type: "session.added",
        payload: { user_agent: { fingerprint_id: "fp", ip: "1.2.3.4" } }
      })
    expect(encode({
      _tag: "UserChecked",
      userID: "ada",
      userResourceOwner: "org-a",
      checkedAt: t0,
      preferredLanguage: "de"
    }))
      .toEqual({
        type: "session.user.checked",
        payload: {
          userID: "ada",
          userResourceOwner: "org-a",
          checkedAt: t0.toISOString(),
          preferredLanguage: "de"
        }
      })
    expect(encode({ _tag: "PasswordChecked", checkedAt: t0 }))
      .toEqual({ type: "session.password.checked", payload: { checkedAt: t0.toISOString() } })
    expect(encode(firstToken))
      .toEqual({ type: "session.token.set", payload: { tokenID: "tok-1", tokenHash: "hash-1" } })
    expect(encode({ _tag: "MetadataSet", metadata: { k: "dg==" } }))
      .toEqual({ type: "session.metadata.set", payload: { metadata: { k: "dg==" } } })
    expect(encode({ _tag: "LifetimeSet", lifetime: minute, setAt: t0 }))
      .toEqual({ type: "session.lifetime.set", payload: { lifetime: minute } })
    expect(encode({ _tag: "Terminated" })).toEqual({ type: "session.terminated", payload: null })
  })

  it("reads the lifetime's start from the stored event's creation date", () => {
    const decoded = Session.sessionAggregate.decode({
      aggregate: { instanceId: "i", type: "session", id: "s", owner: "i", version: 1 },
      type: "session.lifetime.set",
      payload: { lifetime: minute },
      creator: "u",
      createdAt: t0,
      sequence: 4,
      position: { position: 1, inTxOrder: 0 }
    })
    expect(decoded).toEqual(Option.some({ _tag: "LifetimeSet", lifetime: minute, setAt: t0 }))
    const state = model.evolve(model.initial, Option.getOrThrow(decoded))
    expect(state.expiration).toEqual(new Date(t0.getTime() + 60_000))
  })
})

describe("checkUser", () => {
  const user = (status: Identity.UserStatus): Identity.UserState => ({
    ...Identity.initialUser,
    status,
    kind: "human"
  })
  const org = (status: Identity.OrgStatus): Identity.OrgState => ({
    ...Identity.initialOrg,
    status
  })

  it("accepts an active user of an active org", () => {
    expect(Decide.checkUser(user("active"), org("active"))).toEqual(Either.void)
  })

  it.each([
    ["unspecified", "NotFound", "QUERY-Dfbg2", "Errors.User.NotFound"],
    ["removed", "NotFound", "QUERY-Dfbg2", "Errors.User.NotFound"],
    ["locked", "PreconditionFailed", "SESSION-Gj4ko", "Errors.User.NotActive"],
    ["inactive", "PreconditionFailed", "SESSION-Gj4ko", "Errors.User.NotActive"]
  ] as const)("refuses a %s user", (status, kind, id, message) => {
    expect(refusalOf(Decide.checkUser(user(status), org("active")))).toEqual({ kind, id, message })
  })

  it.each([
    ["inactive", "SESSION-0rgIn", "Errors.Org.NotActive"],
    ["removed", "SESSION-0rgNf", "Errors.Org.NotFound"],
    ["unspecified", "SESSION-0rgNf", "Errors.Org.NotFound"]
  ] as const)("refuses a user of an %s org", (status, id, message) => {
    expect(refusalOf(Decide.checkUser(user("active"), org(status))))
      .toEqual({ kind: "PreconditionFailed", id, message })
  })
})

describe("CreateSession", () => {
  const base = { token, now: t1 }

  it("starts a session with user, password, metadata, lifetime and a first token", () => {
    const decision = givenSession([]).when(Decide.createSession, {
      ...base,
      userAgent: { description: "firefox", header: { accept: ["*/*"] } },
      user: ada,
      passwordCheckedAt: t1,
      metadata: { a: "YQ==", gone: "" },
      lifetime: minute
    })
    expect(eventsOf(decision)).toEqual([
      { _tag: "SessionAdded", user_agent: { description: "firefox", header: { accept: ["*/*"] } } },
      {
        _tag: "UserChecked",
        userID: "ada",
        userResourceOwner: "org-a",
        checkedAt: t1,
        preferredLanguage: "en"
      },
      { _tag: "PasswordChecked", checkedAt: t1 },
      { _tag: "MetadataSet", metadata: { a: "YQ==" } },
      { _tag: "LifetimeSet", lifetime: minute, setAt: t1 },
      { _tag: "TokenSet", tokenID: "tok-2", tokenHash: "hash-2" }
    ])
  })

  it("starts an empty session with only a token [no language when the user has none]", () => {
    expect(eventsOf(givenSession([]).when(Decide.createSession, base))).toEqual([
      { _tag: "SessionAdded" },
      { _tag: "TokenSet", tokenID: "tok-2", tokenHash: "hash-2" }
    ])
    const noLanguage = givenSession([]).when(Decide.createSession, {
      ...base,
      user: { ...ada, preferredLanguage: "" }
    })
    expect(eventsOf(noLanguage)[1]).toEqual({
      _tag: "UserChecked",
      userID: "ada",
      userResourceOwner: "org-a",
      checkedAt: t1
    })
  })

  it("refuses a password check without a user", () => {
    const decision = givenSession([]).when(Decide.createSession, { ...base, passwordCheckedAt: t1 })
    expect(refusalOf(decision)).toEqual({
      kind: "PreconditionFailed",
      id: "COMMAND-Sfw3f",
      message: "Errors.User.UserIDMissing"
    })
  })

  it("refuses a negative lifetime", () => {
    expect(refusalOf(givenSession([]).when(Decide.createSession, { ...base, lifetime: -1 })))
      .toEqual({
        kind: "InvalidArgument",
        id: "COMMAND-asEG4",
        message: "Errors.Session.PositiveLifetime"
      })
  })

  it("refuses an id already used", () => {
    expect(refusalOf(givenSession([added]).when(Decide.createSession, base))).toEqual({
      kind: "PreconditionFailed",
      id: "SESSION-x1st5",
      message: "Errors.Session.AlreadyExists"
    })
  })
})

describe("SetSession", () => {
  const base = { token, now: t1 }

  it("adds a password check with the session's token and rotates the token", () => {
    const decision = givenSession(active).when(Decide.setSession, {
      ...base,
      access: byToken("hash-1"),
      passwordCheckedAt: t1
    })
    expect(eventsOf(decision)).toEqual([
      { _tag: "PasswordChecked", checkedAt: t1 },
      { _tag: "TokenSet", tokenID: "tok-2", tokenHash: "hash-2" }
    ])
  })

  it("accepts session.write in the checked user's org instead of the token", () => {
    const decision = givenSession(active).when(Decide.setSession, {
      ...base,
      access: byCaller("admin", [["session.write", "org-a"]]),
      metadata: { k: "dg==" }
    })
    expect(eventsOf(decision)).toEqual([
      { _tag: "MetadataSet", metadata: { k: "dg==" } },
      { _tag: "TokenSet", tokenID: "tok-2", tokenHash: "hash-2" }
    ])
  })

  it("asks for an instance-wide session.write when no user is checked", () => {
    const noUser = [added, firstToken]
    const inOrg = givenSession(noUser).when(Decide.setSession, {
      ...base,
      access: byCaller("admin", [["session.write", "org-a"]]),
      user: ada
    })
    expect(refusalOf(inOrg)).toEqual(denied("session.write"))
    const instance = givenSession(noUser).when(Decide.setSession, {
      ...base,
      access: byCaller("admin", [["session.write", undefined]]),
      user: ada
    })
    expect(eventsOf(instance).map((e) => e._tag)).toEqual(["UserChecked", "TokenSet"])
  })

  it("re-checks the same user and merges metadata (an empty value removes a key)", () => {
    const withMetadata = [...active, { _tag: "MetadataSet", metadata: { a: "YQ==", b: "Yg==" } }]
    const decision = givenSession(withMetadata as ReadonlyArray<Session.SessionEvent>).when(Decide.setSession, {
      ...base,
      access: byToken("hash-1"),
      user: ada,
      metadata: { a: "", c: "Yw==", b: "Yg==" }
    })
    expect(eventsOf(decision)).toEqual([
      {
        _tag: "UserChecked",
        userID: "ada",
        userResourceOwner: "org-a",
        checkedAt: t1,
        preferredLanguage: "en"
      },
      { _tag: "MetadataSet", metadata: { b: "Yg==", c: "Yw==" } },
      { _tag: "TokenSet", tokenID: "tok-2", tokenHash: "hash-2" }
    ])
  })

  it("writes nothing and issues no token when nothing changes", () => {
    const decision = givenSession(active).when(Decide.setSession, {
      ...base,
      access: byToken("hash-1"),
      metadata: { missing: "" },
      lifetime: 0
    })
    expect(eventsOf(decision)).toEqual([])
  })

  it("refuses a wrong or outdated token", () => {
    const rotated = [...active, { _tag: "TokenSet", tokenID: "tok-9", tokenHash: "hash-9" }]
    for (const events of [active, rotated]) {
      const decision = givenSession(events as ReadonlyArray<Session.SessionEvent>).when(Decide.setSession, {
        ...base,
        access: byToken(events === active ? "hash-x" : "hash-1"),
        metadata: { k: "dg==" }
      })
      expect(refusalOf(decision)).toEqual(invalidToken)
    }
  })

  it("refuses a caller without session.write, even the session's own user", () => {
    const decision = givenSession(active).when(Decide.setSession, {
      ...base,
      access: byCaller("ada", [["session.write", "org-b"], ["session.delete", "org-a"]]),
      metadata: { k: "dg==" }
    })
    expect(refusalOf(decision)).toEqual(denied("session.write"))
  })

  it("refuses a session that does not exist", () => {
    const withPermission = givenSession([]).when(Decide.setSession, {
      ...base,
      access: byCaller("admin", [["session.write", undefined]]),
      metadata: { k: "dg==" }
    })
    expect(refusalOf(withPermission)).toEqual({
      kind: "PreconditionFailed",
      id: "COMMAND-Flk38",
      message: "Errors.Session.NotExisting"
    })
    const withToken = givenSession([]).when(Decide.setSession, {
      ...base,
      access: byToken("hash-1")
    })
    expect(refusalOf(withToken)).toEqual(invalidToken)
  })

  it("refuses a terminated session", () => {
    const decision = givenSession([...active, { _tag: "Terminated" }]).when(Decide.setSession, {
      ...base,
      access: byToken("hash-1"),
      metadata: { k: "dg==" }
    })
    expect(refusalOf(decision)).toEqual({
      kind: "PreconditionFailed",
      id: "COMMAND-Hewfq",
      message: "Errors.Session.Terminated"
    })
  })

  it("refuses an expired session, and accepts it up to the expiration instant", () => {
    const lifetime: Session.SessionEvent = { _tag: "LifetimeSet", lifetime: minute, setAt: t0 }
    const expiresAt = new Date(t0.getTime() + 60_000)
    const at = (now: Date) =>
      givenSession([...active, lifetime]).when(Decide.setSession, {
        token,
        now,
        access: byToken("hash-1"),
        metadata: { k: "dg==" }
      })
    expect(eventsOf(at(expiresAt)).map((e) => e._tag)).toEqual(["MetadataSet", "TokenSet"])
    expect(refusalOf(at(new Date(expiresAt.getTime() + 1)))).toEqual({
      kind: "PreconditionFailed",
      id: "COMMAND-Hkl3d",
      message: "Errors.Session.Expired"
    })
  })

  it("extends the lifetime from now", () => {
    const decision = givenSession(active).when(Decide.setSession, {
      ...base,
      access: byToken("hash-1"),
      lifetime: 2 * minute
    })
    expect(eventsOf(decision)).toEqual([
      { _tag: "LifetimeSet", lifetime: 2 * minute, setAt: t1 },
      { _tag: "TokenSet", tokenID: "tok-2", tokenHash: "hash-2" }
    ])
  })

  it("refuses checking another user than the session's", () => {
    const decision = givenSession(active).when(Decide.setSession, {
      ...base,
      access: byToken("hash-1"),
      user: { ...ada, userId: "bob" }
    })
    expect(refusalOf(decision)).toEqual({
      kind: "InvalidArgument",
      id: "SESSION-uChg1",
      message: "Errors.Session.UserChangeNotPossible"
    })
  })

  it("refuses a password check on a session without a user", () => {
    const decision = givenSession([added, firstToken]).when(Decide.setSession, {
      ...base,
      access: byToken("hash-1"),
      passwordCheckedAt: t1
    })
    expect(refusalOf(decision)).toEqual({
      kind: "PreconditionFailed",
      id: "COMMAND-Sfw3f",
      message: "Errors.User.UserIDMissing"
    })
  })

  it("refuses a negative lifetime", () => {
    const decision = givenSession(active).when(Decide.setSession, {
      ...base,
      access: byToken("hash-1"),
      lifetime: -5
    })
    expect(refusalOf(decision)).toEqual({
      kind: "InvalidArgument",
      id: "COMMAND-asEG4",
      message: "Errors.Session.PositiveLifetime"
    })
  })
})

describe("TerminateSession", () => {
  const terminated = [{ _tag: "Terminated" } as const]

  it("terminates with the session's token", () => {
    expect(eventsOf(givenSession(active).when(Decide.terminateSession, {
      access: byToken("hash-1")
    }))).toEqual(terminated)
  })

  it("terminates for the session's own user without any permission", () => {
    expect(eventsOf(givenSession(active).when(Decide.terminateSession, {
      access: byCaller("ada")
    }))).toEqual(terminated)
  })

  it("terminates with session.delete in the user's org or on the instance", () => {
    for (const org of ["org-a", undefined]) {
      const decision = givenSession(active).when(Decide.terminateSession, {
        access: byCaller("admin", [["session.delete", org]])
      })
      expect(eventsOf(decision)).toEqual(terminated)
    }
  })

  it("terminates an expired session", () => {
    const expired = [...active, { _tag: "LifetimeSet", lifetime: 1, setAt: t0 }]
    expect(eventsOf(givenSession(expired as ReadonlyArray<Session.SessionEvent>).when(Decide.terminateSession, {
      access: byToken("hash-1")
    }))).toEqual(terminated)
  })

  it("refuses a wrong token, and session.delete of another org", () => {
    expect(refusalOf(givenSession(active).when(Decide.terminateSession, {
      access: byToken("hash-2")
    }))).toEqual(invalidToken)
    expect(refusalOf(givenSession(active).when(Decide.terminateSession, {
      access: byCaller("admin", [["session.delete", "org-b"], ["session.write", "org-a"]])
    }))).toEqual(denied("session.delete"))
  })

  it("writes nothing for a session that is missing or already terminated", () => {
    const caller = byCaller("admin", [["session.delete", undefined]])
    expect(eventsOf(givenSession([]).when(Decide.terminateSession, { access: caller })))
      .toEqual([])
    expect(eventsOf(givenSession([...active, ...terminated]).when(Decide.terminateSession, {
      access: byToken("hash-1")
    }))).toEqual([])
  })

  it("still refuses a caller without permission on a missing session", () => {
    expect(refusalOf(givenSession([]).when(Decide.terminateSession, {
      access: byCaller("nobody")
    }))).toEqual(denied("session.delete"))
  })
})
