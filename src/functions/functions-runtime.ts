import { runtimeAccessor } from "../runtime/runtime-accessor.js";

/**
 * The runtime of this Functions worker process, shared by every function: built from the app settings on the first
 * invocation, through the one memoised accessor (a failed start is retried by the next invocation).
 */
export const functionsRuntime = runtimeAccessor();
