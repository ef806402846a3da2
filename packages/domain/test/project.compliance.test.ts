import { describe, expect, it } from "@effect/vitest"
import { type ComplianceInput, isOrigin, oidcCompliance } from "../src/project/index.js"

const V1 = "Application.OIDC.V1"
const notCompliant = `${V1}.NotCompliant`

// app types: web 0, user agent 1, native 2; auth: basic 0, post 1, none 2, private_key_jwt 3;
// grants: code 0, implicit 1, refresh 2, device 3
const input = (
  applicationType: number,
  authMethodType: number,
  grantTypes: ReadonlyArray<number>,
  redirectUris: ReadonlyArray<string>
): ComplianceInput => ({
  oidcVersion: 0,
  applicationType,
  authMethodType,
  grantTypes,
  redirectUris
})

describe("OIDC compliance › redirect URI rules", () => {
  const table: ReadonlyArray<readonly [string, ComplianceInput, ReadonlyArray<string>]> = [
    ["web, code, https", input(0, 0, [0], ["https://a.test/cb"]), []],
    ["web, code, http (allowed for web)", input(0, 0, [0], ["http://a.test/cb"]), []],
    ["web, code, custom scheme", input(0, 0, [0], ["app://cb"]), [
      notCompliant,
      `${V1}.Code.RedirectUris.CustomOnlyForNative`
    ]],
    ["user agent, code, http", input(1, 2, [0], ["http://a.test/cb"]), [
      notCompliant,
      notCompliant,
      `${V1}.Code.RedirectUris.HttpOnlyForWeb`
    ]],
    ["native, code, http loopback", input(2, 2, [0], ["http://127.0.0.1:4000/cb"]), []],
    ["native, code, http localhost", input(2, 2, [0], ["http://localhost/cb"]), []],
    ["native, code, http IPv6 loopback", input(2, 2, [0], ["http://[::1]:8080/cb"]), []],
    ["native, code, http remote host", input(2, 2, [0], ["http://a.test/cb"]), [
      notCompliant,
      notCompliant,
      `${V1}.Native.RedirectUris.MustBeHttpLocalhost`
    ]],
    ["native, code, custom scheme", input(2, 2, [0], ["com.example.app:/cb"]), []],
    ["web, implicit, https", input(0, 0, [1], ["https://a.test/cb"]), []],
    ["web, implicit, http", input(0, 0, [1], ["http://a.test/cb"]), [
      notCompliant,
      `${V1}.Implicit.RedirectUris.HttpNotAllowed`
    ]],
    ["web, implicit, custom", input(0, 0, [1], ["app://cb"]), [
      notCompliant,
      `${V1}.Implicit.RedirectUris.CustomNotAllowed`
    ]],
    ["native, implicit, http loopback", input(2, 2, [1], ["http://localhost/cb"]), []],
    ["web, code and implicit, https", input(0, 0, [0, 1], ["https://a.test/cb"]), []],
    ["web, code and implicit, http", input(0, 0, [0, 1], ["http://a.test/cb"]), [
      `${V1}.NotAllCombinationsAreAllowed`
    ]],
    ["no redirect URI with code", input(0, 0, [0], []), [notCompliant, `${V1}.NoRedirectUris`]],
    ["no redirect URI with device code only", input(2, 2, [3], []), []],
    ["no redirect URI with device and code", input(0, 0, [0, 3], []), [
      notCompliant,
      `${V1}.NoRedirectUris`
    ]],
    ["refresh without code", input(0, 0, [1, 2], ["https://a.test/cb"]), [
      notCompliant,
      `${V1}.GrantType.Refresh.NoAuthCode`
    ]],
    ["native with a secret", input(2, 0, [0], ["https://a.test/cb"]), [
      notCompliant,
      notCompliant,
      `${V1}.Native.AuthMethodType.NotNone`
    ]],
    ["user agent with private_key_jwt", input(1, 3, [0], ["https://a.test/cb"]), [
      notCompliant,
      notCompliant,
      `${V1}.UserAgent.AuthMethodType.NotNone`
    ]]
  ]

  for (const [name, given, problems] of table) {
    it(`reports ${problems.length === 0 ? "no problem" : problems.at(-1)} [${name}]`, () => {
      const result = oidcCompliance(given)
      expect(result.problems).toEqual(problems)
      expect(result.noneCompliant).toBe(problems.includes(notCompliant))
    })
  }

  it("reports an unknown version as unsupported", () => {
    expect(oidcCompliance({ ...input(0, 0, [0], ["https://a.test"]), oidcVersion: 7 })).toEqual({
      noneCompliant: true,
      problems: ["Application.OIDC.UnsupportedVersion"]
    })
  })
})

describe("OIDC compliance › origins", () => {
  it("accepts scheme and host only", () => {
    expect(["https://a.test", "http://localhost:3000", "app://x"].map(isOrigin))
      .toEqual([true, true, true])
    expect(["https://a.test/", "https://a.test/x", "a.test", "https://", "https://a.test?q"]
      .map(isOrigin)).toEqual([false, false, false, false, false])
  })
})
