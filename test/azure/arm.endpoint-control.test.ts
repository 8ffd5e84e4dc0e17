import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OperationProgress } from "../../commands/ports/operation-options.js";
import { InfrastructureError, ThrottledError } from "../../commands/errors.js";
import type { ArmEndpointControl } from "../../src/azure/arm.endpoint-control.js";
import { ENDPOINTS_API_VERSION } from "../../src/azure/arm.endpoint-requests.js";
import {
  controlFor,
  endpointResourceId,
  requestLines,
  startEmulator,
  storedEndpoint,
  workspaceOf,
  type RunningEmulator,
} from "./emulator-harness.js";

let emulator: RunningEmulator;
let control: ArmEndpointControl;

beforeAll(async () => {
  // Long enough that a second write can reliably land while the first is in flight.
  emulator = await startEmulator(150);
  control = controlFor(emulator);
});
afterAll(async () => emulator?.close());
beforeEach(() => emulator.reset());

const ws = () => workspaceOf(emulator);

describe("reads", () => {
  it("lists endpoints across pages (nextLink), with traffic and mirror", async () => {
    const endpoints = await control.listEndpoints(ws());
    expect(endpoints.map((e) => e.name).sort()).toEqual(["churn-model", "fraud-scorer"]);
    const fraud = endpoints.find((e) => e.name === "fraud-scorer");
    expect(fraud).toMatchObject({
      authMode: "Key",
      provisioningState: "Succeeded",
      traffic: { blue: 100, green: 0 },
      mirrorTraffic: {},
      location: "westeurope",
      workspace: ws(),
    });
    // Page size 1 in the test scenario: the second endpoint came from following nextLink.
    expect(requestLines(emulator, /onlineEndpoints$/)).toHaveLength(2);
  });

  it("gets one endpoint with its ETag, and undefined for a missing one", async () => {
    const endpoint = await control.getEndpoint(ws(), "fraud-scorer");
    expect(endpoint?.etag).toMatch(/^".+"$/);
    expect(endpoint?.scoringUri).toContain("/fraud-scorer/score");
    expect(await control.getEndpoint(ws(), "no-such-endpoint")).toBeUndefined();
  });

  it("lists deployments through the SDK (all pages)", async () => {
    const deployments = await control.listDeployments(ws(), "fraud-scorer");
    expect(deployments.map((d) => d.name)).toEqual(["blue", "green", "red"]);
    expect(deployments[0]).toEqual({
      name: "blue",
      endpointName: "fraud-scorer",
      instanceType: "Standard_DS3_v2",
      capacity: 1,
      provisioningState: "Succeeded",
      model: "azureml:fraud-model:3",
      scale: { type: "Default" },
    });
    expect(await control.listDeployments(ws(), "no-such-endpoint")).toEqual([]);
  });
});

describe("updateTraffic", () => {
  it("applies blue=80 green=20, reports Updating then Succeeded, and reads back", async () => {
    const progress: OperationProgress[] = [];
    const result = await control.updateTraffic(ws(), "fraud-scorer", { traffic: { blue: 80, green: 20 } }, {
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ kind: "ok", value: { traffic: { blue: 80, green: 20 }, provisioningState: "Succeeded" } });
    const states = progress.map((p) => p.state);
    expect(states[0]).toBe("Updating");
    expect(states.at(-1)).toBe("Succeeded");
    expect(progress.every((p, i) => i === 0 || p.elapsedInMs >= progress[i - 1]!.elapsedInMs)).toBe(true);
    expect((await control.getEndpoint(ws(), "fraud-scorer"))?.traffic).toEqual({ blue: 80, green: 20 });
    // The write went out at the api-version that knows mirrorTraffic.
    expect(emulator.requests.find((r) => r.method === "PUT")?.query["api-version"]).toBe(ENDPOINTS_API_VERSION);
  });

  it("keeps the mirror when only the live split changes (the SDK-model trap)", async () => {
    const mirror = await control.updateTraffic(ws(), "fraud-scorer", { mirrorTraffic: { green: 10 } });
    expect(mirror).toMatchObject({ kind: "ok", value: { mirrorTraffic: { green: 10 }, traffic: { blue: 100, green: 0 } } });

    const split = await control.updateTraffic(ws(), "fraud-scorer", { traffic: { blue: 80, red: 20 } });
    expect(split).toMatchObject({ kind: "ok", value: { traffic: { blue: 80, red: 20 }, mirrorTraffic: { green: 10 } } });
    const stored = (await storedEndpoint(emulator, "fraud-scorer")).properties as Record<string, unknown>;
    expect(stored.mirrorTraffic).toEqual({ green: 10 });
  });

  it("previewTrafficUpdate returns exactly the PUT that updateTraffic then sends", async () => {
    const change = { traffic: { blue: 90, red: 10 }, mirrorTraffic: { green: 5 } };
    const preview = await control.previewTrafficUpdate(ws(), "fraud-scorer", change);
    if (preview.kind !== "ok") throw new Error(`preview: ${preview.kind}`);
    expect(requestLines(emulator).filter((l) => l.startsWith("PUT"))).toEqual([]);

    const result = await control.updateTraffic(ws(), "fraud-scorer", change);
    expect(result.kind).toBe("ok");
    const put = emulator.requests.find((r) => r.method === "PUT");
    const url = new URL(preview.value.url);
    expect(preview.value.method).toBe("PUT");
    expect(put?.path).toBe(url.pathname);
    expect(put?.query).toEqual(Object.fromEntries(url.searchParams));
    // Every field of the previewed body is what the service now holds (it adds ids, systemData, state...).
    expect(await storedEndpoint(emulator, "fraud-scorer")).toMatchObject(preview.value.body as Record<string, unknown>);
  });

  it("a stale ifMatch is a conflict and changes nothing", async () => {
    const read = await control.getEndpoint(ws(), "fraud-scorer");
    emulator.faults.mutate(endpointResourceId(emulator, "fraud-scorer"), { tags: { owner: "someone-else" } });

    const result = await control.updateTraffic(ws(), "fraud-scorer", { traffic: { blue: 50, green: 50 } }, { ifMatch: read?.etag });
    expect(result).toEqual({ kind: "conflict", message: expect.stringMatching(/changed since it was read.*nothing was applied/) });
    expect((await control.getEndpoint(ws(), "fraud-scorer"))?.traffic).toEqual({ blue: 100, green: 0 });
  });

  it("a write while another is in flight is a conflict", async () => {
    let second: Promise<unknown> | undefined;
    const first = control.updateTraffic(ws(), "fraud-scorer", { traffic: { blue: 80, green: 20 } }, {
      onProgress: ({ state }) => {
        if (state === "Updating") second ??= control.updateTraffic(ws(), "fraud-scorer", { traffic: { blue: 60, green: 40 } });
      },
    });
    expect(await first).toMatchObject({ kind: "ok" });
    expect(await second).toEqual({ kind: "conflict", message: expect.stringContaining("another operation is in progress") });
    expect((await control.getEndpoint(ws(), "fraud-scorer"))?.traffic).toEqual({ blue: 80, green: 20 });
  });

  it("an invalid split sent straight to the port is `invalid` with the service's code and message", async () => {
    const result = await control.updateTraffic(ws(), "fraud-scorer", { traffic: { blue: 70, green: 20 } });
    expect(result).toEqual({ kind: "invalid", code: "BadArgument", message: expect.stringContaining("add up to 90") });
  });

  it("an operation that ends Failed is `failed` and the previous state is kept", async () => {
    emulator.faults.failOperations({ resourceType: "endpoint", name: "fraud-scorer", code: "EndpointUpdateFailed", message: "injected" });
    const result = await control.updateTraffic(ws(), "fraud-scorer", { traffic: { blue: 80, green: 20 } });
    expect(result).toEqual({ kind: "failed", code: "EndpointUpdateFailed", message: "injected" });
    expect((await control.getEndpoint(ws(), "fraud-scorer"))?.traffic).toEqual({ blue: 100, green: 0 });
  });

  it("not-found for a missing endpoint", async () => {
    expect(await control.updateTraffic(ws(), "no-such-endpoint", { traffic: { a: 100 } })).toMatchObject({ kind: "not-found" });
    expect(await control.previewTrafficUpdate(ws(), "no-such-endpoint", { traffic: { a: 100 } })).toMatchObject({ kind: "not-found" });
  });

  it("stops waiting when aborted", async () => {
    const abort = new AbortController();
    const result = control.updateTraffic(ws(), "fraud-scorer", { traffic: { blue: 80, green: 20 } }, {
      abortSignal: abort.signal,
      onProgress: ({ state }) => state === "Updating" && abort.abort(),
    });
    await expect(result).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("beginTrafficUpdate", () => {
  const endpointRequests = (): string[] => requestLines(emulator).map((l) => l.replace(/ \/subscriptions\/.*\/onlineEndpoints/, " "));

  it("reads once, sends the full resource conditional on that read's ETag, and returns once Azure ML accepted it", async () => {
    emulator.faults.mutate(endpointResourceId(emulator, "fraud-scorer"), { properties: { traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 10 } } });
    const seen = await control.getEndpoint(ws(), "fraud-scorer");
    const from = emulator.requests.length;

    const result = await control.beginTrafficUpdate(ws(), "fraud-scorer", { traffic: { blue: 80, red: 20 } });
    expect(result).toMatchObject({ kind: "ok", value: { sent: true, endpoint: { etag: seen?.etag, location: "westeurope", traffic: { blue: 100, green: 0 } } } });
    // One read and the PUT: no operation polls, no read back.
    expect(endpointRequests().slice(from)).toEqual(["GET /fraud-scorer -> 200", "PUT /fraud-scorer -> 201"]);
    expect(emulator.requests.slice(from).filter((r) => /operation/i.test(r.path))).toEqual([]);
    // Azure ML holds the new split at once, still Updating, the mirror kept; then it settles.
    expect(await control.getEndpoint(ws(), "fraud-scorer")).toMatchObject({ provisioningState: "Updating", traffic: { blue: 80, red: 20 }, mirrorTraffic: { green: 10 } });
    expect(await control.getEndpoint(ws(), "fraud-scorer", { waitWhileBusyInMs: 5_000 })).toMatchObject({ provisioningState: "Succeeded", traffic: { blue: 80, red: 20 } });
  });

  it("sends nothing when the check gives a reason, and returns it with the endpoint as read", async () => {
    const result = await control.beginTrafficUpdate(ws(), "fraud-scorer", { traffic: { blue: 80, green: 20 } }, { check: (e) => (e.traffic["blue"] === 100 ? "not yet" : undefined) });
    expect(result).toMatchObject({ kind: "ok", value: { sent: false, reason: "not yet", endpoint: { traffic: { blue: 100, green: 0 } } } });
    expect(endpointRequests()).toEqual(["GET /fraud-scorer -> 200"]);
  });

  it("a write Azure ML accepts and then fails is only seen by a later read: the previous split, Failed", async () => {
    emulator.faults.failOperations({ resourceType: "endpoint", name: "fraud-scorer", code: "EndpointUpdateFailed", message: "injected" });
    expect(await control.beginTrafficUpdate(ws(), "fraud-scorer", { traffic: { blue: 80, green: 20 } })).toMatchObject({ kind: "ok", value: { sent: true } });
    expect(await control.getEndpoint(ws(), "fraud-scorer", { waitWhileBusyInMs: 5_000 })).toMatchObject({ provisioningState: "Failed", traffic: { blue: 100, green: 0 } });
  });

  it("the PUT is conditional on the port's own read: a change between the read and the write is a conflict", async () => {
    const result = await control.beginTrafficUpdate(ws(), "fraud-scorer", { traffic: { blue: 80, green: 20 } }, {
      check: () => void emulator.faults.mutate(endpointResourceId(emulator, "fraud-scorer"), { tags: { owner: "someone-else" } }),
    });
    expect(result).toMatchObject({ kind: "conflict", message: expect.stringContaining("ETag mismatch") });
    expect((await control.getEndpoint(ws(), "fraud-scorer"))?.traffic).toEqual({ blue: 100, green: 0 });
  });

  it("a stale ifMatch is a conflict, a write while another is in flight too, and a missing endpoint not-found", async () => {
    const read = await control.getEndpoint(ws(), "fraud-scorer");
    emulator.faults.mutate(endpointResourceId(emulator, "fraud-scorer"), { tags: { owner: "someone-else" } });
    expect(await control.beginTrafficUpdate(ws(), "fraud-scorer", { traffic: { blue: 50, green: 50 } }, { ifMatch: read?.etag })).toMatchObject({ kind: "conflict" });
    expect(await control.beginTrafficUpdate(ws(), "fraud-scorer", { traffic: { blue: 80, green: 20 } })).toMatchObject({ kind: "ok", value: { sent: true } });
    expect(await control.beginTrafficUpdate(ws(), "fraud-scorer", { traffic: { blue: 60, green: 40 } })).toMatchObject({ kind: "conflict", message: expect.stringContaining("another operation is in progress") });
    expect(await control.beginTrafficUpdate(ws(), "no-such-endpoint", { traffic: { a: 100 } })).toMatchObject({ kind: "not-found" });
  });
});

describe("throttling (the pipeline's own retries first)", () => {
  it("a 429 with Retry-After is retried by the pipeline and succeeds", async () => {
    emulator.faults.failRequests({ status: 429, method: "GET", path: "/onlineEndpoints/fraud-scorer$", count: 1, retryAfterSeconds: 1 });
    const endpoint = await control.getEndpoint(ws(), "fraud-scorer");
    expect(endpoint?.name).toBe("fraud-scorer");
    expect(requestLines(emulator, /fraud-scorer$/).slice(0, 2)).toEqual([
      expect.stringMatching(/^GET .* -> 429$/),
      expect.stringMatching(/^GET .* -> 200$/),
    ]);
  });

  it("persistent 429 is `throttled` with the service's Retry-After, and nothing changes", async () => {
    const impatient = controlFor(emulator, { retryOptions: { maxRetries: 1 } });
    emulator.faults.failRequests({ status: 429, method: "PUT", count: 5, retryAfterSeconds: 1 });
    const result = await impatient.updateTraffic(ws(), "fraud-scorer", { traffic: { blue: 80, green: 20 } });
    expect(result).toEqual({ kind: "throttled", message: expect.stringContaining("throttling"), retryAfterInMs: 1000 });
    expect(requestLines(emulator).filter((l) => l.startsWith("PUT"))).toHaveLength(2);
    expect((await control.getEndpoint(ws(), "fraud-scorer"))?.traffic).toEqual({ blue: 100, green: 0 });
  });

  it("a read still throttled after the pipeline's retries is a ThrottledError with the service's Retry-After", async () => {
    const impatient = controlFor(emulator, { retryOptions: { maxRetries: 0 } });
    emulator.faults.failRequests({ status: 429, method: "GET", path: "/onlineEndpoints", count: 3, retryAfterSeconds: 7 });
    // The endpoint (raw request), its deployments (the SDK's pager) and the list (raw pages): each path says so.
    const reads = [impatient.getEndpoint(ws(), "fraud-scorer"), impatient.listDeployments(ws(), "fraud-scorer"), impatient.listEndpoints(ws())];
    for (const error of await Promise.all(reads.map((read) => read.then(() => undefined, (e: unknown) => e)))) {
      expect(error).toBeInstanceOf(ThrottledError);
      expect(error).toMatchObject({ retryAfterInMs: 7000, message: expect.stringMatching(/429|throttling/) });
      expect((error as Error).message).not.toMatch(/Bearer|eyJ/);
    }
    expect(await impatient.getEndpoint(ws(), "fraud-scorer")).toMatchObject({ name: "fraud-scorer" });
  });

  it("a persistent 500 on a read is an InfrastructureError without secrets", async () => {
    const impatient = controlFor(emulator, { retryOptions: { maxRetries: 0 } });
    emulator.faults.failRequests({ status: 500, method: "GET", path: "/onlineEndpoints$", count: 1 });
    const error = await impatient.listEndpoints(ws()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as Error).message).toMatch(/list online endpoints failed: HTTP 500 InternalServerError/);
    expect((error as Error).message).not.toMatch(/Bearer|eyJ/);
  });
});

describe("updateCapacity (SDK beginUpdateAndWait)", () => {
  it("scales blue to 2 and reports progress", async () => {
    const progress: string[] = [];
    const result = await control.updateCapacity(ws(), "fraud-scorer", "blue", 2, { onProgress: (p) => progress.push(p.state) });
    expect(result).toMatchObject({ kind: "ok", value: { name: "blue", capacity: 2, provisioningState: "Succeeded" } });
    expect(progress.at(-1)).toBe("Succeeded");
    const blue = (await control.listDeployments(ws(), "fraud-scorer")).find((d) => d.name === "blue");
    expect(blue?.capacity).toBe(2);
    expect(requestLines(emulator, /deployments\/blue$/)).toContainEqual(expect.stringMatching(/^PATCH .* -> 202$/));
  });

  it("an operation that ends Failed is `failed` and the capacity is kept", async () => {
    emulator.faults.failOperations({ resourceType: "deployment", name: "blue" });
    const result = await control.updateCapacity(ws(), "fraud-scorer", "blue", 3);
    expect(result).toEqual({ kind: "failed", code: "ResourceNotReady", message: expect.stringContaining("blue") });
    expect((await control.listDeployments(ws(), "fraud-scorer")).find((d) => d.name === "blue")?.capacity).toBe(1);
  });

  it("quota exceeded is `invalid`; a missing deployment is `not-found`", async () => {
    expect(await control.updateCapacity(ws(), "fraud-scorer", "blue", 500)).toMatchObject({ kind: "invalid", message: expect.stringContaining("quota") });
    expect(await control.updateCapacity(ws(), "fraud-scorer", "purple", 2)).toMatchObject({ kind: "not-found" });
  });

  it("a stale ifMatch is a conflict; a matching one applies", async () => {
    const stale = '"not-the-current-etag"';
    expect(await control.updateCapacity(ws(), "fraud-scorer", "blue", 2, { ifMatch: stale })).toMatchObject({ kind: "conflict" });
    // And a matching one goes through the whole operation, polls included.
    const result = await control.updateCapacity(ws(), "fraud-scorer", "blue", 2, { ifMatch: "*" });
    expect(result).toMatchObject({ kind: "ok", value: { capacity: 2 } });
  });
});
