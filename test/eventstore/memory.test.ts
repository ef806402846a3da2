import * as MemoryEventStore from "@citadel/adapters/eventstore/MemoryEventStore"
import { Layer } from "effect"
import { eventStoreContract } from "./contract.js"

eventStoreContract({
  name: "MemoryEventStore",
  shared: Layer.empty,
  fresh: MemoryEventStore.layer
})
