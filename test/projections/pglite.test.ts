import * as Pglite from "../support/pglite.js"
import { runnerSuite } from "./suite.js"

runnerSuite("projection runner on PGlite", Pglite.layer)
