import { exhaustive } from "../identity/codec.js"
import type { OidcConfigAdded, ProjectEvent } from "./events.js"

/** ZITADEL's `domain.ProjectState` as a status. */
export type ProjectStatus = "unspecified" | "active" | "inactive" | "removed"

/** ZITADEL's `domain.AppState` as a status. */
export type AppStatus = "active" | "inactive" | "removed"

/** An OIDC configuration as the write side keeps it (`_tag` and `appId` left out). */
export type OidcConfig = Omit<OidcConfigAdded, "_tag" | "appId">

export interface AppState {
  readonly status: AppStatus
  readonly name: string
  readonly oidc: OidcConfig | undefined
}

export interface ProjectState {
  readonly status: ProjectStatus
  readonly name: string
  readonly projectRoleAssertion: boolean
  readonly projectRoleCheck: boolean
  readonly hasProjectCheck: boolean
  readonly privateLabelingSetting: number
  /** Every app ever added, by app id; removed ones keep status `removed`. */
  readonly apps: ReadonlyMap<string, AppState>
}

export const initialProject: ProjectState = {
  status: "unspecified",
  name: "",
  projectRoleAssertion: false,
  projectRoleCheck: false,
  hasProjectCheck: false,
  privateLabelingSetting: 0,
  apps: new Map()
}

/** A project exists from `added` until `removed`, active or not. */
export const projectExists = (state: ProjectState): boolean =>
  state.status === "active" || state.status === "inactive"

/** The app if it exists (added and not removed) in an existing project. */
export const existingApp = (state: ProjectState, appId: string): AppState | undefined => {
  const app = state.apps.get(appId)
  return projectExists(state) && app !== undefined && app.status !== "removed" ? app : undefined
}

const withApp = (
  state: ProjectState,
  appId: string,
  update: (app: AppState) => AppState
): ProjectState => {
  const app = state.apps.get(appId)
  return app === undefined ? state : { ...state, apps: new Map(state.apps).set(appId, update(app)) }
}

type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> }

const defined = <T extends object>(fields: T): Defined<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Defined<T>

export const evolveProject = (state: ProjectState, event: ProjectEvent): ProjectState => {
  switch (event._tag) {
    case "ProjectAdded": {
      const { _tag, ...fields } = event
      return { ...initialProject, ...fields, status: "active" }
    }
    case "ProjectChanged": {
      const { _tag, ...fields } = event
      return { ...state, ...defined(fields) }
    }
    case "ProjectDeactivated":
      return { ...state, status: "inactive" }
    case "ProjectReactivated":
      return { ...state, status: "active" }
    case "ProjectRemoved":
      return { ...state, status: "removed" }
    case "ApplicationAdded":
      return {
        ...state,
        apps: new Map(state.apps).set(event.appId, {
          status: "active",
          name: event.name,
          oidc: undefined
        })
      }
    case "ApplicationChanged":
      return withApp(state, event.appId, (app) => ({ ...app, name: event.name }))
    case "ApplicationDeactivated":
      return withApp(state, event.appId, (app) => ({ ...app, status: "inactive" }))
    case "ApplicationReactivated":
      return withApp(state, event.appId, (app) => ({ ...app, status: "active" }))
    case "ApplicationRemoved":
      return withApp(state, event.appId, (app) => ({ ...app, status: "removed" }))
    case "OidcConfigAdded": {
      const { _tag, appId, ...config } = event
      return withApp(state, appId, (app) => ({ ...app, oidc: config }))
    }
    case "OidcConfigChanged": {
      const { _tag, appId, ...changes } = event
      return withApp(state, appId, (app) =>
        app.oidc === undefined ? app : { ...app, oidc: { ...app.oidc, ...defined(changes) } })
    }
    case "OidcConfigSecretChanged":
      return withApp(state, event.appId, (app) =>
        app.oidc === undefined ? app : {
          ...app,
          oidc: { ...app.oidc, hashedSecret: event.hashedSecret }
        })
    default:
      return exhaustive(event, state)
  }
}
