export * from "./catalog.js"
