/**
 * The core's stores in memory, for the callers that run the core without a storage account: unit tests of the core
 * and the terminal when no local stack is running. Always passed to the composition root explicitly, never a default.
 */
import type { CoreStores } from "../compose.js";
import { InProcessFollowUps } from "./in-process.follow-ups.js";
import { MemoryAlertBindings } from "./memory.alert-bindings.js";
import { MemoryAuditLog } from "./memory.audit-log.js";
import { MemoryChannelSettings } from "./memory.channel-settings.js";
import { MemoryDigestSubscriptions } from "./memory.digest-subscriptions.js";
import { MemoryFreezes } from "./memory.freezes.js";
import { MemoryPendingChanges } from "./memory.pending-changes.js";
import { MemoryPromotions } from "./memory.promotions.js";
import { MemorySampleStore } from "./memory.sample-store.js";

export function memoryStores(): CoreStores & { readonly followUps: InProcessFollowUps } {
  return {
    followUps: new InProcessFollowUps(),
    samples: new MemorySampleStore(),
    audit: new MemoryAuditLog(),
    channels: new MemoryChannelSettings(),
    digestSubscriptions: new MemoryDigestSubscriptions(),
    alertBindings: new MemoryAlertBindings(),
    pending: new MemoryPendingChanges(),
    freezes: new MemoryFreezes(),
    promotions: new MemoryPromotions(),
  };
}
