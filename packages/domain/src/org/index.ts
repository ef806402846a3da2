export * from "./decide.js"
export * from "./usecases.js"
