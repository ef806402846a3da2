export * from "./kernel/index.js"
export * from "./ports/index.js"
export * from "./usecases/index.js"
