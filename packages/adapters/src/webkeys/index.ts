export * from "./JwtSigner.js"
export * as NodeKeyGenerator from "./NodeKeyGenerator.js"
export * from "./projection.js"
export * from "./queries.js"
