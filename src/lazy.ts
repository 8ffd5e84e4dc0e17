import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

/**
 * Loads a port's implementation on its first call. Ports whose SDKs only the queue worker needs (ARM, scoring,
 * Azure Monitor, identity) are wired this way so a Functions cold start that only has to ack a Slack request
 * does not import them (they are most of the start-up time). Every port method is async, so each call simply
 * waits for the module. A failed load is not cached: the next call tries again.
 */
export function lazyPort<T extends object>(load: () => Promise<T>): T {
  const port = memoise(load);
  return new Proxy({} as T, {
    get(_target, name) {
      // Not a thenable: `await port` must not try to call a lazy `then`.
      if (name === "then") return undefined;
      return (...args: unknown[]) =>
        port().then((loaded) => (loaded[name as keyof T] as (...a: unknown[]) => unknown).apply(loaded, args));
    },
  });
}

/** A credential whose implementation (and @azure/identity) loads on the first token request. */
export function lazyCredential(load: () => Promise<TokenCredential>): TokenCredential {
  const port = lazyPort(load);
  return { getToken: (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => port.getToken(scopes, options) };
}

/**
 * `load` run once, on the first call, and its promise shared by every later call; a failure is not kept, so the
 * call after it tries again. The one memoisation of the runtime's lazy parts (ports, adapters, the runtime itself).
 */
export function memoise<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
