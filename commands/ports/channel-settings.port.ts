import type { ChannelRef } from "../invocation.js";
import type { OperationOptions } from "./operation-options.js";

/** A channel's defaults, set with `aml use`. */
export interface ChannelDefaults {
  readonly workspace?: string;
  readonly endpoint?: string;
}

export interface ChannelSettings {
  getDefaults(channel: ChannelRef, options?: OperationOptions): Promise<ChannelDefaults>;
  setDefaults(channel: ChannelRef, defaults: ChannelDefaults, options?: OperationOptions): Promise<void>;
}
