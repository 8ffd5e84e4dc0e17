/**
 * deploy/autoscale.bicep, checked as text (there is no Bicep compiler here): it sends both payload kinds to the
 * bot's /api/alerts route with the secret, targets the deployment, and names only metrics the emulator serves (the
 * names of Microsoft's "Supported metrics" reference), in their namespaces; and the reasons it attaches are the
 * properties the autoscale parser reads.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseMonitorPayload } from "../../adapters/azure-monitor/azure-monitor.bridge.js";
import { DEPLOYMENT_NAMESPACE, ENDPOINT_NAMESPACE, findMetric } from "../../tools/emulator/metrics-catalog.js";
import { autoscaleVariant } from "../helpers/azure-monitor-payloads.js";

const bicep = readFileSync(new URL("../../deploy/autoscale.bicep", import.meta.url), "utf8");
const mainBicep = readFileSync(new URL("../../deploy/main.bicep", import.meta.url), "utf8");

describe("deploy/autoscale.bicep", () => {
  it("points the autoscale webhook and the action group at /api/alerts with the secret, the alert one in the common schema", () => {
    expect(bicep).toContain("var webhookUri = 'https://${functionAppHostName}/api/alerts?code=${alertsSecret}'");
    expect(bicep.match(/serviceUri: webhookUri/g)).toHaveLength(2);
    expect(bicep).toContain("useCommonAlertSchema: true");
    expect(bicep).toMatch(/@secure\(\)\s*\n@minLength\(16\)[^\n]*\n[^\n]*\nparam alertsSecret string/);
  });

  it("autoscales the deployment itself: scale out on CPU > 70 % for 5 min, in on CPU < 30 % for 10 min", () => {
    expect(bicep).toContain("targetResourceUri: deployment.id");
    expect(bicep).toContain("param scaleOutCpuPercent int = 70");
    expect(bicep).toContain("param scaleInCpuPercent int = 30");
    expect(bicep).toMatch(/timeWindow: 'PT5M'[\s\S]*?operator: 'GreaterThan'\s*\n\s*threshold: scaleOutCpuPercent/);
    expect(bicep).toMatch(/timeWindow: 'PT10M'[\s\S]*?operator: 'LessThan'\s*\n\s*threshold: scaleInCpuPercent/);
  });

  it("uses metric names the emulator serves, each in its own namespace", () => {
    const namespaces: Record<string, string> = { deploymentNamespace: DEPLOYMENT_NAMESPACE, endpointNamespace: ENDPOINT_NAMESPACE };
    expect(bicep).toContain(`var endpointNamespace = '${ENDPOINT_NAMESPACE}'`);
    expect(bicep).toContain(`var deploymentNamespace = '${DEPLOYMENT_NAMESPACE}'`);
    const uses = [...bicep.matchAll(/metricName: '([^']+)'\s*\n\s*metricNamespace: (\w+)/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(uses).toEqual([
      ["CpuUtilizationPercentage", "deploymentNamespace"],
      ["CpuUtilizationPercentage", "deploymentNamespace"],
      ["RequestLatency_P99", "endpointNamespace"],
    ]);
    for (const [metric, namespace] of uses) expect(findMetric(namespaces[namespace]!, metric), `${metric} in ${namespace}`).toBeDefined();
    expect(findMetric(ENDPOINT_NAMESPACE, "RequestLatency_P99")?.dimensions).toContain("deployment");
    expect(bicep).toContain("dimensions: [ { name: 'deployment', operator: 'Include', values: [ deploymentName ] } ]");
  });

  it("attaches the reasons under the property names the bot reads", () => {
    const reasons = /scaleOutReason: '([^']+)'\s*\n\s*scaleInReason: '([^']+)'/.exec(bicep);
    expect(reasons).not.toBeNull();
    const properties = { scaleOutReason: reasons![1]!.replace("${scaleOutCpuPercent}", "70"), scaleInReason: reasons![2]!.replace("${scaleInCpuPercent}", "30") };
    const parsed = parseMonitorPayload(JSON.stringify(autoscaleVariant({ properties })), new Date());
    expect(parsed.ok && parsed.events[0]).toMatchObject({ reason: "CPU > 70 % for 5 min" });
  });

  it("main.bicep names the webhook's route for the function app", () => {
    expect(mainBicep).toContain("output alertsWebhookUrl string = 'https://${app.properties.defaultHostName}/api/alerts'");
  });
});
