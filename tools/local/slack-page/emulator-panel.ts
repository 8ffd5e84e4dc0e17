/**
 * The AML emulator as the Slack-like page's side panel shows it: each endpoint's traffic and mirror split with its
 * deployments' state and instances, the compute quota in use, and the latest ARM writes (what the bot just did to
 * "Azure"). Read from the emulator's control routes (`/__emulator/state`, `/requests`, `/quota`) over HTTPS,
 * trusting only the emulator's CA, and summarised here so the page's script only draws.
 */
import { request } from "node:https";

export interface EmulatorAt {
  readonly url: string;
  /** The emulator's CA (PEM). */
  readonly ca: string;
}

export interface PanelSplit {
  readonly deployment: string;
  readonly percent: number;
}

export interface PanelEndpoint {
  readonly workspace: string;
  readonly name: string;
  readonly state: string;
  readonly traffic: readonly PanelSplit[];
  readonly mirror: readonly PanelSplit[];
  readonly deployments: readonly { readonly name: string; readonly state: string; readonly instanceType: string; readonly instances: number }[];
}

export interface PanelWrite {
  readonly at: string;
  readonly method: string;
  /** The path from the workspace down (`onlineEndpoints/x/deployments/y`), or the whole path for anything else. */
  readonly target: string;
  readonly status: number;
}

export interface EmulatorPanel {
  readonly url: string;
  readonly endpoints: readonly PanelEndpoint[];
  readonly quota: readonly { readonly family: string; readonly used: number; readonly limit: number }[];
  readonly writes: readonly PanelWrite[];
  /** ARM requests the emulator served in all (reads too). */
  readonly armRequests: number;
}

type Json = Record<string, unknown>;
const RECENT_WRITES = 8;

export async function readEmulatorPanel(emulator: EmulatorAt, options: { readonly timeoutInMs?: number } = {}): Promise<EmulatorPanel> {
  const get = (path: string) => getJson(`${emulator.url.replace(/\/+$/, "")}${path}`, emulator.ca, options.timeoutInMs ?? 2_000);
  const [state, requests, quota] = await Promise.all([get("/__emulator/state"), get("/__emulator/requests"), get("/__emulator/quota").catch(() => ({}))]);
  const arm = (((requests as Json)["value"] as Json[] | undefined) ?? []).filter((r) => String(r["path"]).startsWith("/subscriptions/"));
  return {
    url: emulator.url,
    endpoints: endpointsOf(state as Json),
    quota: (((quota as Json)["families"] as Json[] | undefined) ?? [])
      .filter((f) => Number(f["used"]) > 0)
      .map((f) => ({ family: String(f["family"]), used: Number(f["used"]), limit: Number(f["limit"]) })),
    writes: arm
      .filter((r) => r["method"] !== "GET" && !/(metrics|listKeys|token|getLogs|score)\b[^/]*$/i.test(String(r["path"])))
      .slice(-RECENT_WRITES)
      .reverse()
      .map((r) => ({ at: String(r["at"]), method: String(r["method"]), target: shortPath(String(r["path"])), status: Number(r["status"]) })),
    armRequests: arm.length,
  };
}

function endpointsOf(state: Json): PanelEndpoint[] {
  const out: PanelEndpoint[] = [];
  for (const ws of (state["workspaces"] as Json[] | undefined) ?? []) {
    for (const endpoint of (ws["endpoints"] as Json[] | undefined) ?? []) {
      const props = (endpoint["properties"] as Json | undefined) ?? {};
      out.push({
        workspace: String(ws["name"]),
        name: String(endpoint["name"]),
        state: String(props["provisioningState"] ?? ""),
        traffic: splits(props["traffic"]),
        mirror: splits(props["mirrorTraffic"]),
        deployments: ((endpoint["deployments"] as Json[] | undefined) ?? []).map((d) => {
          const dp = (d["properties"] as Json | undefined) ?? {};
          return {
            name: String(d["name"]),
            state: String(dp["provisioningState"] ?? ""),
            instanceType: String(dp["instanceType"] ?? ""),
            instances: Number((d["sku"] as Json | undefined)?.["capacity"] ?? 0),
          };
        }),
      });
    }
  }
  return out;
}

function splits(value: unknown): PanelSplit[] {
  return Object.entries((value as Record<string, unknown> | undefined) ?? {})
    .map(([deployment, percent]) => ({ deployment, percent: Number(percent) }))
    .filter((s) => s.percent > 0);
}

function shortPath(path: string): string {
  const at = path.search(/\/onlineEndpoints\//i);
  return at >= 0 ? path.slice(at + 1) : path;
}

function getJson(url: string, ca: string, timeoutInMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", ca, timeout: timeoutInMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        try {
          if (res.statusCode !== 200) throw new Error(`${url} answered HTTP ${res.statusCode ?? "?"}`);
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${url}: no answer within ${timeoutInMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}
