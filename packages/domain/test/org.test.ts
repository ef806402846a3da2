import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck, Option } from "effect"
import { fold, type StoredEvent } from "../src/kernel/index.js"
import {
  initialOrg,
  orgAggregate,
  type OrgEvent,
  orgEventTypes,
  type OrgState
} from "../src/identity/org.js"
import {
  addOrg,
  type AddOrgInput,
  addOrgMember,
  changeOrg,
  changeOrgMember,
  deactivateOrg,
  reactivateOrg,
  removeOrg,
  removeOrgMember
} from "../src/org/index.js"
import { eventsOf, given, refusalOf } from "./support/given.js"

const model = orgAggregate.model
const org = (...events: ReadonlyArray<OrgEvent>) => given<OrgState, OrgEvent>(model, events)

const added: OrgEvent = { _tag: "OrgAdded", name: "ACME" }
const deactivated: OrgEvent = { _tag: "OrgDeactivated" }
const removed: OrgEvent = { _tag: "OrgRemoved" }
const owner = (userId: string): OrgEvent => ({
  _tag: "OrgMemberAdded",
  userId,
  roles: ["ORG_OWNER"]
})

const users = { existingUsers: new Set(["u1", "u2"]) }
const add = (input: Partial<AddOrgInput> = {}) => (state: OrgState) =>
  addOrg(state, { name: "ACME", admins: [], ...input }, users)

const refusal = (kind: string, id: string, message: string) => ({ kind, id, message })
const invalidMember = (id: string) => refusal("InvalidArgument", id, "Errors.Org.MemberInvalid")

describe("Org › when new", () => {
  it("adds an org without members when no admin is given", () => {
    expect(eventsOf(org().when(add(), undefined))).toEqual([added])
  })

  it("trims the name", () => {
    expect(eventsOf(org().when(add({ name: "  ACME \n" }), undefined))).toEqual([added])
  })

  it("makes admins without roles ORG_OWNER and keeps given roles", () => {
    const events = eventsOf(org().when(add({
      admins: [{ userId: "u1", roles: [] }, { userId: "u2", roles: ["ORG_OWNER_VIEWER"] }]
    }), undefined))
    expect(events).toEqual([
      added,
      owner("u1"),
      { _tag: "OrgMemberAdded", userId: "u2", roles: ["ORG_OWNER_VIEWER"] }
    ])
  })

  it("accepts SELF_MANAGEMENT_GLOBAL alone as an admin's role", () => {
    const events = eventsOf(
      org().when(add({ admins: [{ userId: "u1", roles: ["SELF_MANAGEMENT_GLOBAL"] }] }), undefined)
    )
    expect(events[1]).toEqual({
      _tag: "OrgMemberAdded",
      userId: "u1",
      roles: ["SELF_MANAGEMENT_GLOBAL"]
    })
  })

  it.each([
    [{ name: "" }, refusal("InvalidArgument", "ORG-mruNY", "Errors.Invalid.Argument")],
    [{ name: "   " }, refusal("InvalidArgument", "ORG-mruNY", "Errors.Invalid.Argument")],
    [{ name: "n".repeat(201) }, refusal("InvalidArgument", "ORG-mruNY", "Errors.Invalid.Argument")],
    [
      { admins: [{ userId: "", roles: [] }] },
      refusal("InvalidArgument", "ORG-4Mlfs", "Errors.Invalid.Argument")
    ],
    [
      { admins: [{ userId: "u1", roles: ["IAM_OWNER"] }] },
      refusal("InvalidArgument", "Org-4N8es", "Errors.Org.MemberInvalid")
    ],
    [
      { admins: [{ userId: "u1", roles: ["ORG_OWNER", "SELF_MANAGEMENT_GLOBAL"] }] },
      refusal("InvalidArgument", "Org-4N8es", "Errors.Org.MemberInvalid")
    ],
    [
      { admins: [{ userId: "nobody", roles: [] }] },
      refusal("PreconditionFailed", "ORG-GoXOn", "Errors.User.NotFound")
    ],
    [
      { admins: [{ userId: "u1", roles: [] }, { userId: "u1", roles: [] }] },
      refusal("AlreadyExists", "ORG-poWwe", "Errors.Org.Member.AlreadyExists")
    ]
  ])("refuses %j", (input, expected) => {
    expect(refusalOf(org().when(add(input), undefined))).toEqual(expected)
  })

  it("accepts a name of 200 characters", () => {
    const name = "n".repeat(200)
    expect(eventsOf(org().when(add({ name }), undefined))).toEqual([{ _tag: "OrgAdded", name }])
  })

  it("refuses to change, deactivate, reactivate or remove an org that does not exist", () => {
    expect(refusalOf(org().when(changeOrg, { id: "o1", name: "New" })))
      .toEqual(refusal("NotFound", "ORG-1MRds", "Errors.Org.NotFound"))
    expect(refusalOf(org().when(deactivateOrg, undefined)))
      .toEqual(refusal("NotFound", "ORG-oL9nT", "Errors.Org.NotFound"))
    expect(refusalOf(org().when(reactivateOrg, undefined)))
      .toEqual(refusal("NotFound", "ORG-Dgf3g", "Errors.Org.NotFound"))
    expect(refusalOf(org().when(removeOrg, { id: "o1", defaultOrgId: "default-org" })))
      .toEqual(refusal("NotFound", "COMMA-aps2n", "Errors.Org.NotFound"))
  })
})

describe("Org › when active", () => {
  it("refuses to add it again under its id", () => {
    expect(refusalOf(org(added).when(add(), undefined)))
      .toEqual(refusal("AlreadyExists", "ORG-lapo2m", "Errors.Org.AlreadyExisting"))
  })

  it("renames it with the trimmed name", () => {
    expect(eventsOf(org(added).when(changeOrg, { id: "o1", name: " Globex " })))
      .toEqual([{ _tag: "OrgChanged", name: "Globex" }])
  })

  it.each([
    [{ id: "", name: "Globex" }, refusal("InvalidArgument", "EVENT-Mf9sd", "Errors.Org.Invalid")],
    [{ id: "o1", name: " " }, refusal("InvalidArgument", "EVENT-Mf9sd", "Errors.Org.Invalid")],
    [
      { id: "o1", name: "ACME" },
      refusal("PreconditionFailed", "ORG-4VSdf", "Errors.Org.NotChanged")
    ]
  ])("refuses the rename %j", (input, expected) => {
    expect(refusalOf(org(added).when(changeOrg, input))).toEqual(expected)
  })

  it("deactivates it", () => {
    expect(eventsOf(org(added).when(deactivateOrg, undefined))).toEqual([deactivated])
  })

  it("refuses to reactivate it", () => {
    expect(refusalOf(org(added).when(reactivateOrg, undefined)))
      .toEqual(refusal("PreconditionFailed", "EVENT-bfnrh", "Errors.Org.AlreadyActive"))
  })

  it("removes it", () => {
    expect(eventsOf(org(added).when(removeOrg, { id: "o1", defaultOrgId: "default-org" })))
      .toEqual([removed])
  })

  it("refuses to remove the default org", () => {
    expect(refusalOf(org(added).when(removeOrg, { id: "o1", defaultOrgId: "o1" }))).toEqual(
      refusal("PreconditionFailed", "COMMA-wG9p1", "Errors.Org.DefaultOrgNotDeletable")
    )
  })
})

describe("Org › when deactivated", () => {
  it("reactivates it", () => {
    expect(eventsOf(org(added, deactivated).when(reactivateOrg, undefined)))
      .toEqual([{ _tag: "OrgReactivated" }])
  })

  it("refuses to deactivate it twice", () => {
    expect(refusalOf(org(added, deactivated).when(deactivateOrg, undefined)))
      .toEqual(refusal("PreconditionFailed", "EVENT-Dbs2g", "Errors.Org.AlreadyDeactivated"))
  })

  it("can still be renamed and removed", () => {
    expect(eventsOf(org(added, deactivated).when(changeOrg, { id: "o1", name: "B" })))
      .toEqual([{ _tag: "OrgChanged", name: "B" }])
    expect(eventsOf(org(added, deactivated).when(removeOrg, { id: "o1", defaultOrgId: "d" })))
      .toEqual([removed])
  })
})

describe("Org › when removed", () => {
  it("refuses every change as not found", () => {
    const gone = org(added, owner("u1"), removed)
    expect(refusalOf(gone.when(changeOrg, { id: "o1", name: "B" })).kind).toBe("NotFound")
    expect(refusalOf(gone.when(deactivateOrg, undefined)).kind).toBe("NotFound")
    expect(refusalOf(gone.when(reactivateOrg, undefined)).kind).toBe("NotFound")
    expect(refusalOf(gone.when(removeOrg, { id: "o1", defaultOrgId: "d" })))
      .toEqual(refusal("NotFound", "COMMA-aps2n", "Errors.Org.NotFound"))
    const member = { userId: "u2", roles: ["ORG_OWNER"], userExists: true }
    expect(refusalOf(gone.when(addOrgMember, member)))
      .toEqual(refusal("PreconditionFailed", "COMMAND-QXPGs", "Errors.Org.NotFound"))
  })

  it("refuses to be added again under the same id", () => {
    expect(refusalOf(org(added, removed).when(add(), undefined)).id).toBe("ORG-lapo2m")
  })

  it("forgets its members", () => {
    expect(fold(model, [added, owner("u1"), removed]).members.size).toBe(0)
  })
})

describe("Org › members", () => {
  const member = { userId: "u2", roles: ["ORG_OWNER"], userExists: true }

  it("adds a member", () => {
    expect(eventsOf(org(added).when(addOrgMember, member))).toEqual([owner("u2")])
  })

  it.each([
    [{ userId: "" }, refusal("InvalidArgument", "ORG-4Mlfs", "Errors.Invalid.Argument")],
    [{ roles: [] }, refusal("InvalidArgument", "ORG-4Mlfs", "Errors.Invalid.Argument")],
    [
      { roles: ["PROJECT_OWNER"] },
      refusal("InvalidArgument", "Org-4N8es", "Errors.Org.MemberInvalid")
    ],
    [{ userExists: false }, refusal("PreconditionFailed", "ORG-GoXOn", "Errors.User.NotFound")]
  ])("refuses the member %j", (input, expected) => {
    expect(refusalOf(org(added).when(addOrgMember, { ...member, ...input }))).toEqual(expected)
  })

  it("refuses a member twice", () => {
    expect(refusalOf(org(added, owner("u2")).when(addOrgMember, member)))
      .toEqual(refusal("AlreadyExists", "ORG-poWwe", "Errors.Org.Member.AlreadyExists"))
  })

  it("changes a member's roles", () => {
    const change = { userId: "u2", roles: ["ORG_OWNER_VIEWER"] }
    expect(eventsOf(org(added, owner("u2")).when(changeOrgMember, change)))
      .toEqual([{ _tag: "OrgMemberChanged", ...change }])
  })

  it("changes nothing for the same roles", () => {
    const same = { userId: "u2", roles: ["ORG_OWNER"] }
    expect(eventsOf(org(added, owner("u2")).when(changeOrgMember, same))).toEqual([])
  })

  it.each([
    [{ userId: "", roles: ["ORG_OWNER"] }, invalidMember("Org-LiaZi")],
    [{ userId: "u2", roles: [] }, invalidMember("Org-LiaZi")],
    [{ userId: "u2", roles: ["IAM_OWNER"] }, invalidMember("IAM-m9fG8")],
    [{ userId: "u3", roles: ["ORG_OWNER"] }, refusal("NotFound", "Org-D8JxR", "Errors.NotFound")]
  ])("refuses the change %j", (input, expected) => {
    expect(refusalOf(org(added, owner("u2")).when(changeOrgMember, input))).toEqual(expected)
  })

  it("removes a member, and removing them twice writes nothing", () => {
    expect(eventsOf(org(added, owner("u2")).when(removeOrgMember, { userId: "u2" })))
      .toEqual([{ _tag: "OrgMemberRemoved", userId: "u2" }])
    const after = org(added, owner("u2"), { _tag: "OrgMemberRemoved", userId: "u2" })
    expect(eventsOf(after.when(removeOrgMember, { userId: "u2" }))).toEqual([])
  })

  it("refuses to remove a member without a user id", () => {
    expect(refusalOf(org(added).when(removeOrgMember, { userId: "" })))
      .toEqual(refusal("InvalidArgument", "Org-LiaZi", "Errors.Org.MemberInvalid"))
  })

  it("drops a member whose user was removed", () => {
    const state = fold(model, [added, owner("u2"), {
      _tag: "OrgMemberCascadeRemoved",
      userId: "u2"
    }])
    expect(state.members.has("u2")).toBe(false)
  })
})

describe("Org › constraints and storage", () => {
  const constraintsOf = (events: ReadonlyArray<OrgEvent>, event: OrgEvent) =>
    orgAggregate.constraints(fold(model, events), event)

  it("takes the name on add, moves it on rename and frees it on remove", () => {
    expect(constraintsOf([], added)).toEqual([{
      action: "add",
      type: "org_name",
      field: "ACME",
      errorId: "V3-DKcYh",
      message: "Errors.Org.AlreadyExists"
    }])
    expect(constraintsOf([added], { _tag: "OrgChanged", name: "B" })).toEqual([
      { action: "remove", type: "org_name", field: "ACME" },
      {
        action: "add",
        type: "org_name",
        field: "B",
        errorId: "V3-DKcYh",
        message: "Errors.Org.AlreadyExists"
      }
    ])
    expect(constraintsOf([added], removed))
      .toEqual([{ action: "remove", type: "org_name", field: "ACME" }])
    expect(constraintsOf([added], deactivated)).toEqual([])
  })

  it("stores ZITADEL's event types and payloads", () => {
    expect(orgAggregate.encode(added)).toEqual({ type: "org.added", payload: { name: "ACME" } })
    expect(orgAggregate.encode({ _tag: "OrgChanged", name: "B" }))
      .toEqual({ type: "org.changed", payload: { name: "B" } })
    expect(orgAggregate.encode(deactivated)).toEqual({ type: "org.deactivated", payload: null })
    expect(orgAggregate.encode({ _tag: "OrgReactivated" }))
      .toEqual({ type: "org.reactivated", payload: null })
    expect(orgAggregate.encode(removed)).toEqual({ type: "org.removed", payload: null })
    expect(orgAggregate.encode({ _tag: "OrgMemberChanged", userId: "u", roles: ["ORG_OWNER"] }))
      .toEqual({ type: "org.member.changed", payload: { userId: "u", roles: ["ORG_OWNER"] } })
    expect(orgAggregate.encode({ _tag: "OrgMemberCascadeRemoved", userId: "u" }))
      .toEqual({ type: "org.member.cascade.removed", payload: { userId: "u" } })
  })

  it("reads events ZITADEL wrote, with an empty object or null payload", () => {
    const stored = (type: string, payload: StoredEvent["payload"]): StoredEvent => ({
      aggregate: { instanceId: "i", type: "org", id: "o1", owner: "o1", version: 1 },
      type,
      payload,
      creator: "u",
      createdAt: new Date(0),
      sequence: 1,
      position: { position: 1, inTxOrder: 0 }
    })
    expect(orgAggregate.decode(stored("org.deactivated", {}))).toEqual(Option.some(deactivated))
    expect(orgAggregate.decode(stored("org.removed", null))).toEqual(Option.some(removed))
    expect(orgAggregate.decode(stored("org.domain.added", { domain: "x" }))).toEqual(Option.none())
  })
})

// Properties -------------------------------------------------------------------------------

const orgEvent: FastCheck.Arbitrary<OrgEvent> = FastCheck.oneof(
  FastCheck.constantFrom("A", "B", "C").map((name): OrgEvent => ({ _tag: "OrgAdded", name })),
  FastCheck.constantFrom("A", "B", "C").map((name): OrgEvent => ({ _tag: "OrgChanged", name })),
  FastCheck.constant<OrgEvent>({ _tag: "OrgDeactivated" }),
  FastCheck.constant<OrgEvent>({ _tag: "OrgReactivated" }),
  FastCheck.constant<OrgEvent>({ _tag: "OrgRemoved" })
)

type Command = (state: OrgState) => Either.Either<ReadonlyArray<OrgEvent>, unknown>

const command: FastCheck.Arbitrary<{ readonly org: number; readonly run: Command }> = FastCheck
  .record({
    org: FastCheck.integer({ min: 0, max: 2 }),
    run: FastCheck.oneof(
      FastCheck.constantFrom("A", "B", "C", " A").map((name): Command => (state) =>
        addOrg(state, { name, admins: [] }, users)
      ),
      FastCheck.constantFrom("A", "B", "C").map((name): Command => (state) =>
        changeOrg(state, { id: "o", name })
      ),
      FastCheck.constant<Command>(deactivateOrg),
      FastCheck.constant<Command>(reactivateOrg),
      FastCheck.constant<Command>((state) => removeOrg(state, { id: "o", defaultOrgId: "d" }))
    )
  })

describe("Org › properties", () => {
  it.prop("evolve is total over any event sequence", [FastCheck.array(orgEvent)], ([events]) => {
    const state = fold(model, events)
    expect(["unspecified", "active", "inactive", "removed"]).toContain(state.status)
  })

  it.prop(
    "names of existing orgs never collide when every append honours the org_name constraint",
    [FastCheck.array(command, { maxLength: 40 })],
    ([commands]) => {
      // Plays the commands against three orgs, applying constraints as the event store does.
      const states: Array<OrgState> = [initialOrg, initialOrg, initialOrg]
      const taken = new Set<string>()
      for (const { org: index, run } of commands) {
        const decision = run(states[index]!)
        if (Either.isLeft(decision)) continue
        let state = states[index]!
        const next = new Set(taken)
        let rejected = false
        for (const event of decision.right) {
          for (const c of orgAggregate.constraints(state, event)) {
            if (c.action === "remove") next.delete(c.field)
            else if (next.has(c.field)) rejected = true
            else next.add(c.field)
          }
          state = model.evolve(state, event)
        }
        if (rejected) continue
        states[index] = state
        taken.clear()
        for (const name of next) taken.add(name)
      }
      const names = states.filter((s) => s.status === "active" || s.status === "inactive")
        .map((s) => s.name)
      expect(new Set(names).size).toBe(names.length)
      expect([...taken].sort()).toEqual([...names].sort())
    }
  )

  it("uses ZITADEL's event type names", () => {
    expect(Object.values(orgEventTypes)).toEqual([
      "org.added",
      "org.changed",
      "org.deactivated",
      "org.reactivated",
      "org.removed",
      "org.member.added",
      "org.member.changed",
      "org.member.removed",
      "org.member.cascade.removed"
    ])
  })
})
