import type { AggregateSpec } from "../kernel/aggregate.js"
import type { UniqueConstraint } from "../kernel/event.js"
import { decodeProjectEvent, encodeProjectEvent, type ProjectEvent } from "./events.js"
import { evolveProject, initialProject, type ProjectState } from "./state.js"

/** ZITADEL's `project.UniqueProjectnameType`: names are unique per org (field name + org id). */
export const uniqueProjectNameType = "project_names"
/** ZITADEL's `project.UniqueAppNameType`: app names are unique per project. */
export const uniqueAppNameType = "appname"

// The event store's refusal of a taken unique field, as ZITADEL's eventstore words it.
const takenId = "V3-DKcYh"

const projectName = (name: string, owner: string) => `${name}${owner}`
const appName = (name: string, projectId: string) => `${name}:${projectId}`

const add = (type: string, field: string, message: string): UniqueConstraint => ({
  action: "add",
  type,
  field,
  errorId: takenId,
  message
})

const remove = (type: string, field: string): UniqueConstraint => ({
  action: "remove",
  type,
  field
})

const constraintsFor = (owner: string, projectId: string) =>
(
  state: ProjectState,
  event: ProjectEvent
): ReadonlyArray<UniqueConstraint> => {
  switch (event._tag) {
    case "ProjectAdded":
      return [
        add(uniqueProjectNameType, projectName(event.name, owner), "Errors.Project.AlreadyExists")
      ]
    case "ProjectChanged":
      return event.name === undefined || event.name === state.name ? [] : [
        remove(uniqueProjectNameType, projectName(state.name, owner)),
        add(uniqueProjectNameType, projectName(event.name, owner), "Errors.Project.AlreadyExists")
      ]
    case "ProjectRemoved":
      return [
        remove(uniqueProjectNameType, projectName(state.name, owner)),
        ...[...state.apps.values()]
          .filter((app) => app.status !== "removed")
          .map((app) => remove(uniqueAppNameType, appName(app.name, projectId)))
      ]
    case "ApplicationAdded":
      return [
        add(uniqueAppNameType, appName(event.name, projectId), "Errors.Project.App.AlreadyExists")
      ]
    case "ApplicationChanged": {
      const before = state.apps.get(event.appId)?.name
      return before === undefined || before === event.name ? [] : [
        remove(uniqueAppNameType, appName(before, projectId)),
        add(uniqueAppNameType, appName(event.name, projectId), "Errors.Project.App.AlreadyExists")
      ]
    }
    case "ApplicationRemoved": {
      const before = state.apps.get(event.appId)?.name
      return before === undefined ? [] : [remove(uniqueAppNameType, appName(before, projectId))]
    }
    default:
      return []
  }
}

/**
 * The project aggregate (type `project`, version `v1`) of a project owned by `owner`: the unique
 * name constraints need the owning org, which ZITADEL appends to the name.
 */
export const projectAggregateOf = (
  owner: string,
  projectId: string
): AggregateSpec<ProjectState, ProjectEvent> => ({
  type: "project",
  version: 1,
  model: { initial: initialProject, evolve: evolveProject },
  decode: decodeProjectEvent,
  encode: encodeProjectEvent,
  constraints: constraintsFor(owner, projectId)
})

/** For loading and folding only; commands use {@link projectAggregateOf}. */
export const projectAggregate = projectAggregateOf("", "")
