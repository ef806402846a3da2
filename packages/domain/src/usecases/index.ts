export * from "./execute.js"
export * from "./load.js"
