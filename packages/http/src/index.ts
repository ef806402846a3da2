export { CitadelApi } from "./api/Api.js"
export { readConfig, type ServerConfig } from "./config.js"
export { serverLayer } from "./server.js"
