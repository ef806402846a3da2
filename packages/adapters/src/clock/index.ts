export * from "./SystemClock.js"
