export * from "./NodeCrypto.js"
