import { Either } from "effect"
import { type DomainError, preconditionFailed } from "../kernel/errors.js"

/**
 * ZITADEL's `maxLevels` for includes: the root sits on level 0, a direct include on level 1, its
 * include on level 2, and nothing may sit on level 3. So a chain holds at most two include edges:
 * root → A → B is allowed, root → A → B → C is not.
 */
export const maxIncludeLevels = 3
export const maxIncludeEdges = maxIncludeLevels - 1

/** Execution id → the execution ids it includes, in list order. */
export type IncludeGraph = ReadonlyMap<string, ReadonlyArray<string>>

const childrenOf = (graph: IncludeGraph, node: string) => graph.get(node) ?? []

export const reverseGraph = (graph: IncludeGraph): IncludeGraph => {
  const reversed = new Map<string, Array<string>>()
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const parents = reversed.get(to) ?? []
      parents.push(from)
      reversed.set(to, parents)
    }
  }
  return reversed
}

/**
 * A cycle reachable from `start`, as a closed path (`a, b, a`), or undefined. Depth-first with
 * the nodes of the current path marked, so a back edge is found however long the cycle is.
 */
export const findCycleFrom = (
  graph: IncludeGraph,
  start: string
): ReadonlyArray<string> | undefined => {
  const done = new Set<string>()
  const path: Array<string> = []
  const onPath = new Set<string>()
  const visit = (node: string): ReadonlyArray<string> | undefined => {
    path.push(node)
    onPath.add(node)
    for (const child of childrenOf(graph, node)) {
      if (onPath.has(child)) return [...path.slice(path.indexOf(child)), child]
      if (done.has(child)) continue
      const cycle = visit(child)
      if (cycle !== undefined) return cycle
    }
    path.pop()
    onPath.delete(node)
    done.add(node)
    return undefined
  }
  return visit(start)
}

/** The longest path of edges starting at `start`, as its nodes; the graph must be acyclic there. */
export const longestPathFrom = (graph: IncludeGraph, start: string): ReadonlyArray<string> => {
  const memo = new Map<string, ReadonlyArray<string>>()
  const visit = (node: string): ReadonlyArray<string> => {
    const known = memo.get(node)
    if (known !== undefined) return known
    let longest: ReadonlyArray<string> = []
    for (const child of childrenOf(graph, node)) {
      const path = visit(child)
      if (path.length > longest.length) longest = path
    }
    const result = [node, ...longest]
    memo.set(node, result)
    return result
  }
  return visit(start)
}

const describe = (path: ReadonlyArray<string>) => path.join(" -> ")

/**
 * Checks the include graph as it would be after `changed` got its new includes: no cycle and no
 * chain of more than `maxIncludeEdges` edges may pass through `changed`, counting what already
 * includes it from above as well as what it includes below. A graph that held neither before
 * the change can only gain one through the changed execution, so this keeps the whole graph free
 * of both; a violation elsewhere that predates the change does not block it.
 */
export const checkIncludeGraph = (
  graph: IncludeGraph,
  changed: string
): Either.Either<void, DomainError> => {
  const parents = reverseGraph(graph)
  const cycle = findCycleFrom(graph, changed) ??
    findCycleFrom(parents, changed)?.slice().reverse()
  if (cycle !== undefined) {
    const selfInclude = cycle.length === 2
    return Either.left(
      preconditionFailed(
        selfInclude ? "COMMAND-mo1cmjp5k7" : "COMMAND-819opvhgjv",
        "Errors.Execution.CircularInclude",
        describe(cycle)
      )
    )
  }
  const above = longestPathFrom(parents, changed).slice().reverse()
  const below = longestPathFrom(graph, changed)
  const chain = [...above, ...below.slice(1)]
  if (chain.length - 1 > maxIncludeEdges) {
    return Either.left(
      preconditionFailed("COMMAND-gbhd3g57oo", "Errors.Execution.MaxLevelsInclude", describe(chain))
    )
  }
  return Either.void
}
