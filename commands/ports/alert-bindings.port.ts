import type { ChannelRef } from "../invocation.js";
import type { OperationOptions } from "./operation-options.js";

/** A channel that receives a workspace's autoscale and alert notifications (`aml alerts bind`). */
export interface AlertBinding {
  /** Workspace alias, as configured (lower case). */
  readonly workspace: string;
  readonly channel: ChannelRef;
  readonly boundBy: string;
  readonly boundAt: Date;
}

export interface ListAlertBindingsOptions extends OperationOptions {
  /** Only this workspace's bindings. */
  readonly workspace?: string;
}

/** Which channels hear about which workspace. Implemented in Azure Tables (`src/storage/`) and in memory. */
export interface AlertBindings {
  /** Adds the binding; `false` when the channel was already bound to the workspace (it is left as it was). */
  bind(binding: AlertBinding, options?: OperationOptions): Promise<boolean>;
  /** `false` when there was no such binding. */
  unbind(workspace: string, channel: ChannelRef, options?: OperationOptions): Promise<boolean>;
  /** Sorted by workspace, then platform and channel id. */
  list(options?: ListAlertBindingsOptions): Promise<AlertBinding[]>;
}
