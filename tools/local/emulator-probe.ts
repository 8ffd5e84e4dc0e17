/**
 * Is an AML emulator already answering at a URL? `npm start` then uses it (one started with `npm run emulator` in
 * another terminal, so Azure's side survives a restart of the bot) instead of starting its own. The probe is the
 * emulator's own health route, over HTTPS, trusting only the emulator's CA: anything else listening there is
 * reported as such, never mistaken for the emulator.
 */
import { request } from "node:https";

export type EmulatorProbe =
  | { readonly kind: "emulator"; readonly url: string }
  /** Nothing listens there. */
  | { readonly kind: "absent"; readonly url: string }
  /** Something listens there that did not prove to be the emulator; `detail` says what it did. */
  | { readonly kind: "other"; readonly url: string; readonly detail: string };

/** The emulator's control surface health route (`tools/emulator/control.routes.ts`). */
export const EMULATOR_HEALTH_PATH = "/__emulator/health";

const NOTHING_THERE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "EADDRNOTAVAIL"]);

/** `ca`: the emulator's CA (PEM), or undefined when there is none on disk (nothing can then be verified). */
export function probeEmulator(url: string, ca: string | undefined, options: { readonly timeoutInMs?: number } = {}): Promise<EmulatorProbe> {
  const timeoutInMs = options.timeoutInMs ?? 2_000;
  const base = url.replace(/\/+$/, "");
  return new Promise((resolve) => {
    const other = (detail: string) => resolve({ kind: "other", url: base, detail });
    let target: URL;
    try {
      target = new URL(`${base}${EMULATOR_HEALTH_PATH}`);
    } catch {
      other("not a URL");
      return;
    }
    if (target.protocol !== "https:") {
      other("the emulator only speaks HTTPS");
      return;
    }
    const req = request(target, { method: "GET", ...(ca ? { ca } : {}), timeout: timeoutInMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => other(`its answer broke off (${error.message})`));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const health = body as { status?: unknown; subscriptionId?: unknown } | undefined;
        if (res.statusCode === 200 && health?.status === "ok" && typeof health.subscriptionId === "string") resolve({ kind: "emulator", url: base });
        else other(`it answers HTTP ${res.statusCode ?? "?"} at ${EMULATOR_HEALTH_PATH}, not as the AML emulator does`);
      });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutInMs} ms`)));
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code && NOTHING_THERE.has(error.code)) resolve({ kind: "absent", url: base });
      else if (!ca && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(error.code ?? "")) other("its certificate cannot be checked: no emulator CA file was found");
      else if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(error.code ?? "")) other(`its certificate is not signed by the emulator's CA (${error.code})`);
      else if (error.code === "EPROTO") other("it does not speak HTTPS (the TLS handshake failed)");
      else other(`${error.code ? `${error.code}: ` : ""}${error.message.split("\n", 1)[0]}`);
    });
    req.end();
  });
}
