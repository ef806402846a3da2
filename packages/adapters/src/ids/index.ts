export * from "./SonyflakeIds.js"
