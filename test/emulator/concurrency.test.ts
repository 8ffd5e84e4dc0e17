import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { ArmTestClient, startTestEmulator } from "./helpers/arm-http.js";

let emulator: RunningAmlEmulator;
let arm: ArmTestClient;

// Long enough that the second write surely lands while the first one is in flight.
beforeAll(async () => {
  emulator = await startTestEmulator({ lroDelayInMs: 400 });
  arm = new ArmTestClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const fraud = () => arm.endpointPath("fraud-scorer");
const green = () => arm.deploymentPath("fraud-scorer", "green");
const split = (blue: number, green: number) => ({ location: "westeurope", properties: { authMode: "Key", traffic: { blue, green } } });

describe("writes while another write is in flight", () => {
  it("refuses a second endpoint write with 409 until the first finishes", async () => {
    const first = await arm.put(fraud(), split(90, 10));
    expect(first.status).toBe(201);
    const second = await arm.put(fraud(), split(80, 20));
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe("Conflict");
    expect(second.json.error.message).toBe(
      "Cannot update online endpoint 'fraud-scorer' because it is in Updating provisioning state. Wait for the current operation to finish, then retry.",
    );
    expect((await arm.patch(fraud(), { tags: {} })).status).toBe(409);
    expect((await arm.delete(fraud())).status).toBe(409);
    await arm.waitForOperation(String(first.headers["azure-asyncoperation"]));
    expect((await arm.put(fraud(), split(80, 20))).status).toBe(201);
  });

  it("refuses deployment writes while the endpoint is updating, with AML's message", async () => {
    await arm.put(fraud(), split(90, 10));
    const response = await arm.patch(green(), { sku: { capacity: 2 } });
    expect(response.status).toBe(409);
    expect(response.json.error.message).toBe("Cannot update a deployment in endpoint fraud-scorer because it is in Updating provisioning state.");
    const create = await arm.put(arm.deploymentPath("fraud-scorer", "red"), {
      sku: { capacity: 1 },
      properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2" },
    });
    expect(create.json.error.message).toBe("Cannot create a deployment in endpoint fraud-scorer because it is in Updating provisioning state.");
  });

  it("refuses a second write to a deployment, traffic changes for it and deleting its endpoint", async () => {
    expect((await arm.patch(green(), { sku: { capacity: 2 } })).status).toBe(202);
    const again = await arm.patch(green(), { sku: { capacity: 1 } });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain("Cannot update online deployment 'green' because it is in Updating provisioning state");
    const traffic = await arm.put(fraud(), split(50, 50));
    expect(traffic.status).toBe(409);
    expect(traffic.json.error.message).toContain("for deployment 'green' because the deployment is in Updating provisioning state");
    const drop = await arm.delete(fraud());
    expect(drop.status).toBe(409);
    expect(drop.json.error.message).toContain("its deployment 'green' is in Updating provisioning state");
    // Other deployments of the endpoint stay writable.
    expect((await arm.patch(arm.deploymentPath("fraud-scorer", "blue"), { tags: { a: "b" } })).status).toBe(202);
  });
});

describe("ETags and conditional writes", () => {
  it("sends a quoted ETag that changes on every change", async () => {
    const before = String((await arm.get(fraud())).headers["etag"]);
    expect(before).toMatch(/^".+"$/);
    expect((await arm.get(fraud())).headers["etag"]).toBe(before);
    const accepted = await arm.patch(fraud(), { tags: { a: "1" } });
    const during = String((await arm.get(fraud())).headers["etag"]);
    expect(accepted.headers["etag"]).toBe(during);
    expect(during).not.toBe(before);
    await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    expect((await arm.get(fraud())).headers["etag"]).not.toBe(during);
  });

  it("accepts a write whose If-Match is the current ETag", async () => {
    const etag = String((await arm.get(green())).headers["etag"]);
    expect((await arm.patch(green(), { tags: {} }, { "if-match": etag })).status).toBe(202);
  });

  it("answers 412 when If-Match does not match, e.g. after another user's change", async () => {
    const etag = String((await arm.get(fraud())).headers["etag"]);
    emulator.faults.mutate(String((await arm.get(fraud())).json.id), { tags: { changedBy: "someone else" } });
    const after = await arm.get(fraud());
    expect(after.json.tags).toEqual({ team: "risk", changedBy: "someone else" });
    expect(after.json.systemData.lastModifiedBy).toBe("another-user@contoso.com");
    for (const response of [
      await arm.put(fraud(), split(50, 50), { "if-match": etag }),
      await arm.patch(fraud(), { tags: {} }, { "if-match": etag }),
      await arm.delete(fraud(), { "if-match": etag }),
    ]) {
      expect(response.status).toBe(412);
      expect(response.json.error.code).toBe("PreconditionFailed");
      expect(response.json.error.message).toContain(`The If-Match condition '${etag}' failed`);
    }
  });

  it("answers 412 for If-Match: * on a missing resource and If-None-Match: * on an existing one", async () => {
    const missing = await arm.put(arm.endpointPath("not-there"), split(0, 0), { "if-match": "*" });
    expect(missing.status).toBe(412);
    expect((await arm.delete(arm.endpointPath("not-there"), { "if-match": "*" })).status).toBe(412);
    const existing = await arm.put(fraud(), split(50, 50), { "if-none-match": "*" });
    expect(existing.status).toBe(412);
    expect(existing.json.error.message).toContain("already exists");
    const createOnly = await arm.put(arm.endpointPath("brand-new"), { location: "westeurope", properties: { authMode: "Key" } }, { "if-none-match": "*" });
    expect(createOnly.status).toBe(201);
  });

  it("treats a provisioning state set out of band as in flight", async () => {
    emulator.faults.mutate(String((await arm.get(green())).json.id), { properties: { provisioningState: "Updating" } });
    expect((await arm.patch(green(), { sku: { capacity: 2 } })).status).toBe(409);
  });
});
