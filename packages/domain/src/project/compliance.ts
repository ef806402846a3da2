import { ApplicationType, AuthMethodType, GrantType, OidcVersion } from "./events.js"

/**
 * ZITADEL's OIDC v1 compliance checks (`domain.GetOIDCCompliance`). A non-compliant
 * configuration is still saved: the problems are reported back to the caller as message keys,
 * in ZITADEL's order, so that a console can warn about them.
 */
export interface Compliance {
  readonly noneCompliant: boolean
  readonly problems: ReadonlyArray<string>
}

export interface ComplianceInput {
  readonly oidcVersion: number
  readonly applicationType: number
  readonly authMethodType: number
  readonly grantTypes: ReadonlyArray<number>
  readonly redirectUris: ReadonlyArray<string>
}

const key = (suffix: string) => `Application.OIDC.V1.${suffix}`

const allHttps = (uris: ReadonlyArray<string>) => uris.every((uri) => uri.startsWith("https://"))
const anyHttp = (uris: ReadonlyArray<string>) => uris.some((uri) => uri.startsWith("http://"))
const anyCustom = (uris: ReadonlyArray<string>) =>
  uris.some((uri) => !uri.startsWith("http://") && !uri.startsWith("https://"))

const isLoopbackAddress = (host: string): boolean => {
  if (host === "::1" || host === "[::1]") return true
  const parts = host.split(".")
  return parts.length === 4 && parts[0] === "127" &&
    parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)
}

/** Every `http` URI names `localhost` or a loopback address (RFC 8252 section 7.3). */
const onlyLoopbackIsHttp = (uris: ReadonlyArray<string>): boolean =>
  uris.every((uri) => {
    if (!URL.canParse(uri)) return false
    const url = new URL(uri)
    if (url.protocol !== "http:") return true
    return url.hostname === "localhost" || isLoopbackAddress(url.hostname)
  })

interface Collector {
  noneCompliant: boolean
  problems: Array<string>
}

const fail = (c: Collector, problem: string) => {
  c.noneCompliant = true
  c.problems.push(problem)
}

const codeRedirects = (c: Collector, appType: number, uris: ReadonlyArray<string>) => {
  if (allHttps(uris)) return
  if (anyHttp(uris)) {
    if (appType === ApplicationType.UserAgent) fail(c, key("Code.RedirectUris.HttpOnlyForWeb"))
    if (appType === ApplicationType.Native && !onlyLoopbackIsHttp(uris)) {
      fail(c, key("Native.RedirectUris.MustBeHttpLocalhost"))
    }
  }
  if (anyCustom(uris) && appType !== ApplicationType.Native) {
    fail(c, key("Code.RedirectUris.CustomOnlyForNative"))
  }
}

const implicitRedirects = (c: Collector, appType: number, uris: ReadonlyArray<string>) => {
  if (allHttps(uris)) return
  if (anyCustom(uris)) fail(c, key("Implicit.RedirectUris.CustomNotAllowed"))
  if (anyHttp(uris)) {
    if (appType === ApplicationType.Native) {
      if (!onlyLoopbackIsHttp(uris)) fail(c, key("Native.RedirectUris.MustBeHttpLocalhost"))
      return
    }
    fail(c, key("Implicit.RedirectUris.HttpNotAllowed"))
  }
}

const implicitAndCodeRedirects = (c: Collector, appType: number, uris: ReadonlyArray<string>) => {
  if (allHttps(uris)) return
  if (anyCustom(uris) && appType !== ApplicationType.Native) {
    fail(c, key("Implicit.RedirectUris.CustomNotAllowed"))
  }
  if (anyHttp(uris)) {
    if (appType === ApplicationType.UserAgent) fail(c, key("Code.RedirectUris.HttpOnlyForWeb"))
    if (!onlyLoopbackIsHttp(uris) && appType === ApplicationType.Native) {
      fail(c, key("Native.RedirectUris.MustBeHttpLocalhost"))
    }
  }
  // a warning, not a failure: ZITADEL lists it without marking the app non-compliant
  if (!c.noneCompliant) c.problems.push(key("NotAllCombinationsAreAllowed"))
}

/** The compliance of a configuration, problems in ZITADEL's order. */
export const oidcCompliance = (input: ComplianceInput): Compliance => {
  if (input.oidcVersion !== OidcVersion.V1) {
    return { noneCompliant: true, problems: ["Application.OIDC.UnsupportedVersion"] }
  }
  const grants = input.grantTypes
  const has = (grant: number) => grants.includes(grant)
  const uris = input.redirectUris
  const c: Collector = { noneCompliant: false, problems: [] }

  const refreshOnly = has(GrantType.RefreshToken) && !has(GrantType.AuthorizationCode)
  if (!has(GrantType.DeviceCode) && refreshOnly) {
    fail(c, key("GrantType.Refresh.NoAuthCode"))
  }

  // a device-code-only client never redirects, so it needs no redirect URI
  if (uris.length === 0 && (!has(GrantType.DeviceCode) || has(GrantType.AuthorizationCode))) {
    c.noneCompliant = true
    c.problems.unshift(key("NoRedirectUris"))
  }
  if (has(GrantType.Implicit) && has(GrantType.AuthorizationCode)) {
    implicitAndCodeRedirects(c, input.applicationType, uris)
  } else {
    if (has(GrantType.Implicit)) implicitRedirects(c, input.applicationType, uris)
    if (has(GrantType.AuthorizationCode)) codeRedirects(c, input.applicationType, uris)
  }

  const publicClient = input.applicationType === ApplicationType.Native ||
    input.applicationType === ApplicationType.UserAgent
  if (publicClient) {
    if (input.authMethodType !== AuthMethodType.None) {
      fail(
        c,
        key(
          input.applicationType === ApplicationType.Native
            ? "Native.AuthMethodType.NotNone"
            : "UserAgent.AuthMethodType.NotNone"
        )
      )
    }
    // ZITADEL's app type check prepends the summary key itself, so a failing public client
    // lists it twice; kept, since consoles compare these lists
    if (c.noneCompliant) c.problems.unshift(key("NotCompliant"))
  }

  if (c.noneCompliant) c.problems.unshift(key("NotCompliant"))
  return { noneCompliant: c.noneCompliant, problems: c.problems }
}

/** Grant types the response types require (`domain.RequiredOIDCGrantTypes`). */
export const requiredGrantTypes = (
  responseTypes: ReadonlyArray<number>,
  grantTypes: ReadonlyArray<number>
): ReadonlyArray<number> => {
  const required: Array<number> = []
  let implicit = false
  for (const responseType of responseTypes) {
    if (responseType === 0) {
      // with device code selected, the authorization code grant is no longer required
      const device = grantTypes.includes(GrantType.DeviceCode)
      required.push(device ? GrantType.DeviceCode : GrantType.AuthorizationCode)
    } else if ((responseType === 1 || responseType === 2) && !implicit) {
      implicit = true
      required.push(GrantType.Implicit)
    }
  }
  return required
}

/** `http_util.IsOrigin`: a scheme and a host (with port), nothing after. */
export const isOrigin = (value: string): boolean =>
  /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s@]+$/i.test(value)
