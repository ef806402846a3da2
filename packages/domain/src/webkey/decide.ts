import { Either } from "effect"
import { alreadyExists, type DomainError, notFound, preconditionFailed } from "../kernel/errors.js"
import type { CryptoValue } from "../ports/Crypto.js"
import { validateConfig, type WebKeyConfig } from "./config.js"
import type { Jwk } from "./events.js"
import { activeKeyId, exists, type WebKeyChange, type WebKeySet } from "./state.js"

/** A freshly generated key, its private half already encrypted. */
export interface NewWebKey {
  readonly id: string
  readonly config: WebKeyConfig
  readonly privateKey: CryptoValue
  readonly publicKey: Jwk
}

type Decision = Either.Either<ReadonlyArray<WebKeyChange>, DomainError>

const added = (key: NewWebKey): WebKeyChange => ({
  keyId: key.id,
  event: {
    _tag: "WebKeyAdded",
    privateKey: key.privateKey,
    publicKey: key.publicKey,
    config: key.config
  }
})

const activated = (keyId: string): WebKeyChange => ({ keyId, event: { _tag: "WebKeyActivated" } })

const deactivated = (keyId: string): WebKeyChange => ({
  keyId,
  event: { _tag: "WebKeyDeactivated" }
})

/** Citadel's id: ZITADEL refuses a second `added` through its `web_key` unique constraint. */
export const duplicateKey = () => alreadyExists("WEBKEY-d0pl1", "Errors.WebKey.Duplicate")

/**
 * CreateWebKey: adds the key, and activates it too when the instance has no active key, so
 * that an instance always signs with one once it has any.
 */
export const decideCreate = (keys: WebKeySet, key: NewWebKey): Decision =>
  Either.flatMap(validateConfig(key.config), (): Decision => {
    if (keys.has(key.id)) return Either.left(duplicateKey())
    return Either.right(
      activeKeyId(keys) === undefined ? [added(key), activated(key.id)] : [added(key)]
    )
  })

/**
 * GenerateInitialWebKeys: on an instance without keys, two keys, the first one active. An
 * instance that has a key already gets nothing, so running it again changes nothing.
 */
export const decideInitial = (
  keys: WebKeySet,
  first: NewWebKey,
  second: NewWebKey
): Decision => {
  if ([...keys.values()].some(exists)) return Either.right([])
  return Either.flatMap(
    Either.all([validateConfig(first.config), validateConfig(second.config)]),
    (): Decision =>
      keys.has(first.id) || keys.has(second.id) || first.id === second.id
        ? Either.left(duplicateKey())
        : Either.right([added(first), activated(first.id), added(second)])
  )
}

/**
 * ActivateWebKey: the key becomes the signing key and the one active before it (if any) is
 * deactivated, in that order. Activating the active key writes nothing.
 */
export const decideActivate = (keys: WebKeySet, keyId: string): Decision => {
  const current = activeKeyId(keys)
  if (current === keyId) return Either.right([])
  const key = keys.get(keyId)
  if (key === undefined || !exists(key)) {
    return Either.left(notFound("COMMAND-teiG3", "Errors.WebKey.NotFound"))
  }
  return Either.right(current === undefined ? [activated(keyId)] : [
    activated(keyId),
    deactivated(current)
  ])
}

/**
 * DeleteWebKey: removes an inactive key. The active key cannot be removed; an unknown or
 * already removed key is already where the caller wants it, so nothing is written.
 */
export const decideDelete = (keys: WebKeySet, keyId: string): Decision => {
  const key = keys.get(keyId)
  if (key === undefined || !exists(key)) return Either.right([])
  if (key.status === "Active") {
    return Either.left(preconditionFailed("COMMAND-Chai1", "Errors.WebKey.ActiveDelete"))
  }
  return Either.right([{ keyId, event: { _tag: "WebKeyRemoved" } }])
}
