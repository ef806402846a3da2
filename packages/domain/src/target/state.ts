import type { WriteModel } from "../kernel/decider.js"
import type { CryptoValue } from "../ports/Crypto.js"
import {
  PayloadType,
  type PayloadType as PayloadTypeValue,
  TargetType,
  type TargetEvent,
  type TargetType as TargetTypeValue
} from "./events.js"

/** ZITADEL's `domain.TargetState`: Unspecified 0, Active 1, Removed 2. */
export type TargetStatus = "Unspecified" | "Active" | "Removed"

export interface TargetState {
  readonly status: TargetStatus
  readonly name: string
  readonly targetType: TargetTypeValue
  readonly endpoint: string
  /** Nanoseconds. */
  readonly timeout: number
  readonly interruptOnError: boolean
  readonly signingKey: CryptoValue | undefined
  readonly payloadType: PayloadTypeValue
}

export const initial: TargetState = {
  status: "Unspecified",
  name: "",
  targetType: TargetType.Webhook,
  endpoint: "",
  timeout: 0,
  interruptOnError: false,
  signingKey: undefined,
  payloadType: PayloadType.Unspecified
}

/** A target exists while it is active; a removed target is gone for every rule. */
export const exists = (state: TargetState): boolean => state.status === "Active"

export const evolve = (state: TargetState, event: TargetEvent): TargetState => {
  switch (event._tag) {
    case "TargetAdded":
      return {
        status: "Active",
        name: event.name,
        targetType: event.targetType,
        endpoint: event.endpoint,
        timeout: event.timeout,
        interruptOnError: event.interruptOnError,
        signingKey: event.signingKey,
        payloadType: event.payloadType
      }
    case "TargetChanged":
      return {
        status: state.status,
        name: event.name ?? state.name,
        targetType: event.targetType ?? state.targetType,
        endpoint: event.endpoint ?? state.endpoint,
        timeout: event.timeout ?? state.timeout,
        interruptOnError: event.interruptOnError ?? state.interruptOnError,
        signingKey: event.signingKey ?? state.signingKey,
        payloadType: event.payloadType ?? state.payloadType
      }
    case "TargetRemoved":
      return { ...state, status: "Removed" }
  }
}

export const targetWriteModel: WriteModel<TargetState, TargetEvent> = { initial, evolve }
