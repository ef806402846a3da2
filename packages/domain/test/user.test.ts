import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as Identity from "../src/identity/index.js"
import { Decide } from "../src/user/index.js"
import { checkPasswordComplexity, defaultPasswordComplexityPolicy } from "../src/user/policy.js"
import { eventsOf, given, refusalOf } from "./support/given.js"

type UserEvent = Identity.UserEvent

const model = { initial: Identity.initialUser, evolve: Identity.evolveUser }
const user = (...events: ReadonlyArray<UserEvent>) => given(model, events)

const activeOrg: Identity.OrgState = { ...Identity.initialOrg, status: "active", name: "ACME" }

const humanAdded: UserEvent = {
  _tag: "HumanAdded",
  userName: "ada@example.com",
  firstName: "Ada",
  lastName: "Lovelace",
  nickName: "",
  displayName: "Ada Lovelace",
  preferredLanguage: "en",
  gender: Identity.Gender.Female,
  email: "ada@example.com",
  phone: "",
  encodedHash: "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA",
  changeRequired: false
}

const machineAdded: UserEvent = {
  _tag: "MachineAdded",
  userName: "robot",
  name: "Robot",
  description: "",
  accessTokenType: Identity.AccessTokenType.Bearer
}

const addHuman: Decide.AddHumanInput = {
  org: activeOrg,
  userName: "ada@example.com",
  firstName: "Ada",
  lastName: "Lovelace",
  preferredLanguage: "en",
  gender: Identity.Gender.Female,
  email: "ada@example.com",
  encodedHash: "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA"
}

const refused = (kind: string, id: string, message: string) => ({ kind, id, message })

describe("User › when new", () => {
  it("adds a human with a display name made of first and last name", () => {
    expect(eventsOf(user().when(Decide.addHuman, addHuman))).toEqual([humanAdded])
  })

  it("adds a human with verified email and phone", () => {
    const events = eventsOf(user().when(Decide.addHuman, {
      ...addHuman,
      displayName: "Countess",
      isEmailVerified: true,
      phone: "+41790000000",
      isPhoneVerified: true
    }))
    expect(events).toEqual([
      { ...humanAdded, displayName: "Countess", phone: "+41790000000" },
      { _tag: "HumanEmailVerified" },
      { _tag: "HumanPhoneVerified" }
    ])
  })

  it.each([
    [{ userName: " " }, "InvalidArgument", "V2-zzad3", "Errors.Invalid.Argument"],
    [{ firstName: "" }, "InvalidArgument", "USER-UCej2", "Errors.User.Profile.FirstNameEmpty"],
    [{ lastName: "" }, "InvalidArgument", "USER-4hB7d", "Errors.User.Profile.LastNameEmpty"],
    [{ email: "" }, "InvalidArgument", "EMAIL-spblu", "Errors.User.Email.Empty"],
    [{ email: "not-an-email" }, "InvalidArgument", "EMAIL-599BI", "Errors.User.Email.Invalid"],
    [{ org: Identity.initialOrg }, "PreconditionFailed", "USER-0rgN0t", "Errors.Org.NotFound"],
    [
      { org: { ...activeOrg, status: "inactive" as const } },
      "PreconditionFailed",
      "USER-0rgN0t",
      "Errors.Org.NotFound"
    ]
  ])("refuses a human [%j]", (change, kind, id, message) => {
    expect(refusalOf(user().when(Decide.addHuman, { ...addHuman, ...change })))
      .toEqual(refused(kind, id, message))
  })

  it("refuses an unknown gender", () => {
    expect(refusalOf(user().when(Decide.addHuman, { ...addHuman, gender: 7 }))).toEqual({
      kind: "InvalidArgument",
      id: "USER-g3nd3r",
      message: "Errors.Invalid.Argument",
      detail: "unknown gender"
    })
  })

  it("adds a machine", () => {
    const events = eventsOf(user().when(Decide.addMachine, {
      org: activeOrg,
      userName: " robot ",
      name: "Robot"
    }))
    expect(events).toEqual([machineAdded])
  })

  it.each([
    [{ name: "" }, "InvalidArgument", "COMMAND-bs9Ds", "Errors.User.Invalid"],
    [{ userName: "" }, "InvalidArgument", "COMMAND-bm9Ds", "Errors.User.Invalid"],
    [{ org: Identity.initialOrg }, "PreconditionFailed", "USER-0rgN0t", "Errors.Org.NotFound"]
  ])("refuses a machine [%j]", (change, kind, id, message) => {
    const input = { org: activeOrg, userName: "robot", name: "Robot", ...change }
    expect(refusalOf(user().when(Decide.addMachine, input))).toEqual(refused(kind, id, message))
  })

  it.each([
    ["deactivate", Decide.deactivate, "COMMAND-m0gDf"],
    ["reactivate", Decide.reactivate, "COMMAND-4M0sd"],
    ["lock", Decide.lock, "COMMAND-5M9fs"],
    ["unlock", Decide.unlock, "COMMAND-M0dse"],
    ["remove", Decide.remove, "COMMAND-m9od"]
  ] as const)("refuses to %s a user that does not exist", (_, decide, id) => {
    expect(refusalOf(user().when(decide, undefined))).toEqual(
      refused("NotFound", id, "Errors.User.NotFound")
    )
  })

  it("refuses a password, a PAT and a secret for a user that does not exist", () => {
    const notFound = (id: string) => refused("NotFound", id, "Errors.User.NotFound")
    expect(refusalOf(user().when(Decide.setPassword, { encodedHash: "h", changeRequired: false })))
      .toEqual(notFound("COMMAND-G8dh3"))
    expect(refusalOf(user().when(Decide.setMachineSecret, { hashedSecret: "h" })))
      .toEqual(notFound("COMMAND-x8910n"))
    expect(refusalOf(user().when(Decide.removeMachineSecret, undefined)))
      .toEqual(notFound("COMMAND-0qp2hus"))
    expect(refusalOf(user().when(Decide.removePersonalAccessToken, { tokenId: "t" })))
      .toEqual(notFound("COMMAND-4m77G"))
  })
})

describe("User › when added", () => {
  it("refuses to add it again", () => {
    expect(refusalOf(user(humanAdded).when(Decide.addHuman, addHuman)))
      .toEqual(refused("AlreadyExists", "COMMAND-7yiox", "Errors.User.AlreadyExists"))
    expect(refusalOf(user(machineAdded).when(Decide.addMachine, {
      org: activeOrg,
      userName: "robot",
      name: "Robot"
    }))).toEqual(refused("AlreadyExists", "COMMAND-k2unb", "Errors.User.AlreadyExists"))
  })

  it("changes the user name, moving the usernames constraint [kept lower case]", () => {
    const events = eventsOf(user(humanAdded).when(Decide.changeUsername, { userName: "Ada" }))
    expect(events).toEqual([{ _tag: "UsernameChanged", userName: "Ada" }])
    const state = [humanAdded].reduce(Identity.evolveUser, Identity.initialUser)
    expect(Identity.userAggregate.constraints(state, events[0]!)).toEqual([
      { action: "remove", type: "usernames", field: "ada@example.com" },
      {
        action: "add",
        type: "usernames",
        field: "ada",
        errorId: "V3-DKcYh",
        message: "Errors.User.AlreadyExists"
      }
    ])
  })

  it("refuses an unchanged or empty user name", () => {
    expect(refusalOf(user(humanAdded).when(Decide.changeUsername, { userName: "ada@example.com" })))
      .toEqual(refused("PreconditionFailed", "COMMAND-6m9gs", "Errors.User.UsernameNotChanged"))
    expect(refusalOf(user(humanAdded).when(Decide.changeUsername, { userName: " " })))
      .toEqual(refused("InvalidArgument", "COMMAND-6m9gs", "Errors.User.Invalid"))
    expect(refusalOf(user().when(Decide.changeUsername, { userName: "x" })))
      .toEqual(refused("NotFound", "COMMAND-5N9ds", "Errors.User.NotFound"))
  })

  it("sets a human's password", () => {
    expect(eventsOf(user(humanAdded).when(Decide.setPassword, {
      encodedHash: "$2a$04$x",
      changeRequired: true
    }))).toEqual([{ _tag: "HumanPasswordChanged", encodedHash: "$2a$04$x", changeRequired: true }])
  })

  it("refuses a password for a machine", () => {
    expect(refusalOf(user(machineAdded).when(Decide.setPassword, {
      encodedHash: "h",
      changeRequired: false
    }))).toEqual(refused("PreconditionFailed", "COMMAND-3M9ds", "Errors.User.NotHuman"))
  })

  it("deactivates, then refuses to deactivate twice", () => {
    expect(eventsOf(user(humanAdded).when(Decide.deactivate, undefined)))
      .toEqual([{ _tag: "UserDeactivated" }])
    expect(refusalOf(user(humanAdded, { _tag: "UserDeactivated" }).when(Decide.deactivate, undefined)))
      .toEqual(refused("PreconditionFailed", "COMMAND-5M0sf", "Errors.User.AlreadyInactive"))
  })

  it("reactivates a deactivated user, and only that", () => {
    expect(eventsOf(user(humanAdded, { _tag: "UserDeactivated" }).when(Decide.reactivate, undefined)))
      .toEqual([{ _tag: "UserReactivated" }])
    expect(refusalOf(user(humanAdded).when(Decide.reactivate, undefined)))
      .toEqual(refused("PreconditionFailed", "COMMAND-6M0sf", "Errors.User.NotInactive"))
  })

  it("locks an active user, and only that", () => {
    expect(eventsOf(user(humanAdded).when(Decide.lock, undefined))).toEqual([{ _tag: "UserLocked" }])
    expect(refusalOf(user(humanAdded, { _tag: "UserLocked" }).when(Decide.lock, undefined)))
      .toEqual(refused("PreconditionFailed", "COMMAND-3NN8v", "Errors.User.ShouldBeActiveOrInitial"))
  })

  it("unlocks a locked user, and only that", () => {
    expect(eventsOf(user(humanAdded, { _tag: "UserLocked" }).when(Decide.unlock, undefined)))
      .toEqual([{ _tag: "UserUnlocked" }])
    expect(refusalOf(user(humanAdded).when(Decide.unlock, undefined)))
      .toEqual(refused("PreconditionFailed", "COMMAND-4M0ds", "Errors.User.NotLocked"))
  })

  it("removes the user and frees its name; removing twice is refused", () => {
    const events = eventsOf(user(humanAdded).when(Decide.remove, undefined))
    expect(events).toEqual([{ _tag: "UserRemoved" }])
    const state = [humanAdded].reduce(Identity.evolveUser, Identity.initialUser)
    expect(Identity.userAggregate.constraints(state, events[0]!))
      .toEqual([{ action: "remove", type: "usernames", field: "ada@example.com" }])
    expect(refusalOf(user(humanAdded, { _tag: "UserRemoved" }).when(Decide.remove, undefined)))
      .toEqual(refused("NotFound", "COMMAND-m9od", "Errors.User.NotFound"))
  })
})

describe("User › machine credentials", () => {
  const now = new Date("2026-01-01T00:00:00Z")
  const pat = {
    tokenId: "t1",
    expiration: new Date("2027-01-01T00:00:00Z"),
    scopes: ["openid"],
    tokenHash: "digest",
    now
  }

  it("adds a PAT to a machine", () => {
    expect(eventsOf(user(machineAdded).when(Decide.addPersonalAccessToken, pat))).toEqual([{
      _tag: "PersonalAccessTokenAdded",
      tokenId: "t1",
      expiration: pat.expiration,
      scopes: ["openid"],
      tokenHash: "digest"
    }])
  })

  it("refuses a PAT for a human, for nobody, or with a past expiration", () => {
    expect(refusalOf(user(humanAdded).when(Decide.addPersonalAccessToken, pat)))
      .toEqual(refused("PreconditionFailed", "COMMAND-Df2f1", "Errors.User.WrongType"))
    expect(refusalOf(user().when(Decide.addPersonalAccessToken, pat)))
      .toEqual(refused("NotFound", "COMMAND-Dv312", "Errors.User.NotFound"))
    expect(refusalOf(user(machineAdded).when(Decide.addPersonalAccessToken, { ...pat, expiration: now })))
      .toEqual(refused("InvalidArgument", "COMMAND-dv3t5", "Errors.AccessToken.InvalidExpirationDate"))
  })

  it("removes a PAT, and refuses an unknown one", () => {
    const added: UserEvent = {
      _tag: "PersonalAccessTokenAdded",
      tokenId: "t1",
      expiration: pat.expiration,
      scopes: [],
      tokenHash: "digest"
    }
    expect(eventsOf(user(machineAdded, added).when(Decide.removePersonalAccessToken, { tokenId: "t1" })))
      .toEqual([{ _tag: "PersonalAccessTokenRemoved", tokenId: "t1" }])
    expect(refusalOf(user(machineAdded).when(Decide.removePersonalAccessToken, { tokenId: "t1" })))
      .toEqual(refused("NotFound", "COMMAND-4m77G", "Errors.User.PAT.NotFound"))
  })

  it("sets and removes a machine secret", () => {
    expect(eventsOf(user(machineAdded).when(Decide.setMachineSecret, { hashedSecret: "$argon2id$x" })))
      .toEqual([{ _tag: "MachineSecretSet", hashedSecret: "$argon2id$x" }])
    const withSecret = user(machineAdded, { _tag: "MachineSecretSet", hashedSecret: "h" })
    expect(eventsOf(withSecret.when(Decide.removeMachineSecret, undefined)))
      .toEqual([{ _tag: "MachineSecretRemoved" }])
  })

  it("refuses a secret for a human and removing a secret that is not set", () => {
    expect(refusalOf(user(humanAdded).when(Decide.setMachineSecret, { hashedSecret: "h" })))
      .toEqual(refused("PreconditionFailed", "COMMAND-Df2f1", "Errors.User.WrongType"))
    expect(refusalOf(user(machineAdded).when(Decide.removeMachineSecret, undefined)))
      .toEqual(refused("NotFound", "COMMAND-vtwtr", "Errors.User.Machine.Secret.NotExisting"))
  })
})

describe("User › password check", () => {
  const check = (matched: boolean, maxPasswordAttempts = 3) => ({ matched, maxPasswordAttempts })
  const failed: UserEvent = { _tag: "HumanPasswordCheckFailed" }

  it("records a success", () => {
    expect(eventsOf(user(humanAdded).when(Decide.checkPassword, check(true))))
      .toEqual([{ _tag: "HumanPasswordCheckSucceeded" }])
  })

  it("records a failure below the limit", () => {
    expect(eventsOf(user(humanAdded, failed).when(Decide.checkPassword, check(false))))
      .toEqual([failed])
  })

  it("locks on the failure that reaches the limit", () => {
    expect(eventsOf(user(humanAdded, failed, failed).when(Decide.checkPassword, check(false))))
      .toEqual([failed, { _tag: "UserLocked" }])
  })

  it("counts from zero again after a success or an unlock", () => {
    const afterSuccess = user(humanAdded, failed, failed, { _tag: "HumanPasswordCheckSucceeded" })
    expect(eventsOf(afterSuccess.when(Decide.checkPassword, check(false)))).toEqual([failed])
    const afterUnlock = user(humanAdded, failed, failed, failed, { _tag: "UserLocked" }, {
      _tag: "UserUnlocked"
    })
    expect(eventsOf(afterUnlock.when(Decide.checkPassword, check(false)))).toEqual([failed])
  })

  it("never locks when the limit is 0", () => {
    expect(eventsOf(user(humanAdded, failed, failed, failed).when(Decide.checkPassword, check(false, 0))))
      .toEqual([failed])
  })

  it.each([
    ["a locked user", [humanAdded, { _tag: "UserLocked" }], "PreconditionFailed", "COMMAND-JLK35", "Errors.User.Locked"],
    ["a deactivated user", [humanAdded, { _tag: "UserDeactivated" }], "PreconditionFailed", "COMMAND-1nact", "Errors.User.NotActive"],
    ["a machine", [machineAdded], "PreconditionFailed", "COMMAND-3nJ4t", "Errors.User.Password.NotSet"],
    ["a human without password", [{ ...humanAdded, encodedHash: "" }], "PreconditionFailed", "COMMAND-3nJ4t", "Errors.User.Password.NotSet"],
    ["nobody", [], "NotFound", "COMMAND-3n77z", "Errors.User.NotFound"],
    ["a removed user", [humanAdded, { _tag: "UserRemoved" }], "NotFound", "COMMAND-3n77z", "Errors.User.NotFound"]
  ] as ReadonlyArray<readonly [string, ReadonlyArray<UserEvent>, string, string, string]>)(
    "refuses %s, even with the right password",
    (_, events, kind, id, message) => {
      expect(refusalOf(user(...events).when(Decide.checkPassword, check(true))))
        .toEqual(refused(kind, id, message))
    }
  )
})

describe("Password complexity policy", () => {
  const check = (password: string) => checkPasswordComplexity(defaultPasswordComplexityPolicy, password)

  it("accepts a password with every class of character", () => {
    expect(Either.isRight(check("Password1!"))).toBe(true)
    expect(Either.isRight(check("Äpfel-ünd-9"))).toBe(true)
  })

  it.each([
    ["Pa1!", "DOMAIN-HuJf6", "MinLength"],
    ["PASSWORD1!", "DOMAIN-co3Xw", "HasLower"],
    ["password1!", "DOMAIN-VoaRj", "HasUpper"],
    ["Password!!", "DOMAIN-ZBv4H", "HasNumber"],
    ["Password11", "DOMAIN-ZDLwA", "HasSymbol"]
  ])("refuses %s", (password, id, rule) => {
    expect(refusalOf(check(password)))
      .toEqual(refused("InvalidArgument", id, `Errors.User.PasswordComplexityPolicy.${rule}`))
  })
})
