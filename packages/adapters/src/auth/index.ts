export * from "./Authenticator.js"
export * from "./projections.js"
