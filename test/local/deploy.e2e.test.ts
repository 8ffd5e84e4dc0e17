/**
 * A deploy from Slack on the local stack `npm start` runs: the signed slash command is acked, its job starts the
 * provisioning on the AML emulator, and the follow-ups (jobs on the Azurite queue, each invisible until due) keep one
 * status card up to date through the Slack API stand-in: posted once with chat.postMessage, then edited with
 * chat.update until it says Ready. No worker waits for the provisioning.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { stackSlashCommand } from "../helpers/stack-slash-command.js";

const CHANNEL = "C0DEPLOY";

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({
    ports: { host: 0 },
    emulatorLroDelayInMs: 30,
    emulatorProvisionDelayInMs: 2_500,
    logger: { info() {}, warn() {}, error() {} },
    env: { AML_LRO_POLL_MS: "20", AML_FOLLOW_UP_INTERVAL_MS: "500" },
    maxPollIntervalInMs: 100,
  });
}, 30_000);
afterAll(() => stack?.close());

function slashCommand(text: string, id: string): Promise<void> {
  return stackSlashCommand(stack, text, { id, channel: CHANNEL });
}

describe("a deploy from Slack on the local stack", () => {
  it("posts one status card that follows the provisioning to Ready, edited in place", async () => {
    await slashCommand("deploy fraud-scorer green2 --model fraud-model:5 --yes", "deploy-1");
    const card = () => stack.slack.messages.filter((m) => m.channel === CHANNEL && m.via === "chat.postMessage" && m.text.includes("green2"));
    const creating = await stack.slack.waitFor((ms) => ms.find((m) => m.channel === CHANNEL && m.via === "chat.postMessage" && m.text.includes("Creating green2")), 20_000);
    expect(creating).toBeDefined();
    await expect.poll(() => card()[0]?.text ?? "", { timeout: 30_000, interval: 200 }).toContain("Ready: green2 on fraud-scorer");
    expect(card()).toHaveLength(1); // one message, edited in place (chat.update), never a second post
    const deployment = await stack.runtime.app.deps.endpoints.getDeployment(stack.runtime.app.deps.workspaces[0]!, "fraud-scorer", "green2");
    expect(deployment?.provisioningState).toBe("Succeeded");
    const endpoint = await stack.runtime.app.deps.endpoints.getEndpoint(stack.runtime.app.deps.workspaces[0]!, "fraud-scorer");
    expect(endpoint?.traffic["green2"] ?? 0).toBe(0);
  }, 60_000);
});
