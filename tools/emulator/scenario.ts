/**
 * The emulator's seed data: subscription, tenant, workspaces, endpoints and deployments. A scenario is plain
 * JSON so `npm run emulator` can load one from a file; objects are strict so a typo is an error that names
 * the field instead of a silently ignored key. New planes (scoring, metrics) add their knobs here.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { checkCapacity, checkMirrorTraffic, checkResourceName, checkTraffic, type Violation } from "./aml-rules.js";
import { canonicalFamily } from "./managed-skus.js";
import { scenarioMetricsSchema } from "./metrics-knobs.js";
import { CHURN_MODEL, deploymentScoringSchema, FRAUD_BLUE_MODEL, FRAUD_GREEN_MODEL, scenarioScoringSchema } from "./scoring-knobs.js";

const trafficMap = z.record(z.string(), z.number());
const stringMap = z.record(z.string(), z.string());

const scaleSettings = z.discriminatedUnion("scaleType", [
  z.strictObject({ scaleType: z.literal("Default") }),
  z.strictObject({
    scaleType: z.literal("TargetUtilization"),
    minInstances: z.number().int().min(0),
    maxInstances: z.number().int().min(1),
    targetUtilizationPercentage: z.number().int().min(1).max(100).optional(),
    pollingInterval: z.string().optional(),
  }),
]);

const deploymentSchema = z.strictObject({
  name: z.string(),
  /** e.g. `azureml:fraud-model:3` */
  model: z.string(),
  instanceType: z.string(),
  /** Instance count (`sku.capacity`). */
  capacity: z.number(),
  scaleSettings: scaleSettings.optional(),
  requestSettings: z
    .strictObject({
      requestTimeout: z.string().optional(),
      maxConcurrentRequestsPerInstance: z.number().int().min(1).optional(),
      maxQueueWait: z.string().optional(),
    })
    .optional(),
  environmentId: z.string().optional(),
  description: z.string().optional(),
  tags: stringMap.optional(),
  environmentVariables: stringMap.optional(),
  appInsightsEnabled: z.boolean().optional(),
  /**
   * Instance range an Azure Monitor autoscale setting would keep the deployment in. Managed deployments
   * scale through Azure Monitor, not through `scaleSettings`, so this is seed data for that plane.
   */
  autoscale: z.strictObject({ minInstances: z.number().int().min(1), maxInstances: z.number().int().min(1) }).optional(),
  /** Seed a deployment that already failed, e.g. to test how the bot reports it. */
  provisioningState: z.enum(["Succeeded", "Failed"]).optional(),
  /** The scoring plane: the model this deployment runs, its latency and error rate (see scoring-knobs.ts). */
  scoring: deploymentScoringSchema.optional(),
});

const endpointSchema = z.strictObject({
  name: z.string(),
  authMode: z.enum(["Key", "AMLToken", "AADToken"]),
  description: z.string().optional(),
  tags: stringMap.optional(),
  traffic: trafficMap.optional(),
  mirrorTraffic: trafficMap.optional(),
  publicNetworkAccess: z.enum(["Enabled", "Disabled"]).optional(),
  keys: z.strictObject({ primaryKey: z.string().min(1), secondaryKey: z.string().min(1) }).optional(),
  deployments: z.array(deploymentSchema).optional(),
});

const modelSchema = z.strictObject({
  /** Azure ML asset names: letters, digits, `-`, `_`, `.`, starting with a letter or digit. */
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,254}$/, "model names are letters, digits, '.', '_' or '-'"),
  modelType: z.enum(["custom_model", "mlflow_model", "triton_model"]).optional(),
  description: z.string().optional(),
  tags: stringMap.optional(),
  /** Oldest first; a string is just the version. Undated versions are a day apart, the last one a day old. */
  versions: z
    .array(
      z.union([
        z.string().regex(/^[A-Za-z0-9_.-]+$/),
        z.strictObject({
          version: z.string().regex(/^[A-Za-z0-9_.-]+$/),
          description: z.string().optional(),
          tags: stringMap.optional(),
          createdAt: z.iso.datetime().optional(),
        }),
      ]),
    )
    .min(1),
});

const workspaceSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/, "workspace names are 3-33 letters, digits, '_' or '-'"),
  /** Defaults to the scenario's resource group. */
  resourceGroup: z.string().min(1).max(90).optional(),
  /** Defaults to the scenario's location. */
  location: z.string().min(1).optional(),
  endpoints: z.array(endpointSchema),
  /** The workspace's model registry; versions that seeded deployments refer to are registered too. */
  models: z.array(modelSchema).optional(),
});

export const scenarioSchema = z.strictObject({
  subscriptionId: z.string().min(1),
  tenantId: z.string().min(1),
  resourceGroup: z.string().min(1).max(90),
  location: z.string().min(1),
  workspaces: z.array(workspaceSchema).min(1),
  limits: z
    .strictObject({
      /** Items per list page before a `nextLink` is returned (default 100). */
      listPageSize: z.number().int().min(1).max(1000).optional(),
      /** Largest `sku.capacity` a deployment may ask for (default 20), standing in for VM quota. */
      maxInstancesPerDeployment: z.number().int().min(1).optional(),
    })
    .optional(),
  auth: z
    .strictObject({
      /** Lifetime of issued tokens (default 3599 s, like Entra ID). */
      tokenLifetimeSeconds: z.number().int().min(60).optional(),
      /** When set, only these client credentials get tokens; otherwise any non-empty id/secret does. */
      clients: z.array(z.strictObject({ clientId: z.string().min(1), clientSecret: z.string().min(1) })).optional(),
    })
    .optional(),
  /** Compute quota per VM family and region (see quota.ts): limits in vCPUs, and vCPUs used outside the endpoints. */
  quota: z
    .strictObject({
      /** Limit of every family the scenario does not name (default 400 vCPUs). */
      defaultLimit: z.number().int().min(0).optional(),
      limits: z.record(z.string(), z.number().int().min(0)).optional(),
      /** vCPUs a family already uses for something else (training clusters, compute instances). */
      externalUsage: z.record(z.string(), z.number().int().min(0)).optional(),
    })
    .optional(),
  /** How long a deployment stays Creating (default: the emulator's `provisionDelayInMs`, else its LRO delay). */
  provisioning: z.strictObject({ deploymentMs: z.number().int().min(0) }).optional(),
  scoring: scenarioScoringSchema.optional(),
  /** The metrics plane: synthetic load seed and peaks, degradations (see metrics-knobs.ts). */
  metrics: scenarioMetricsSchema.optional(),
  /**
   * What ARM's permissions API answers at a workspace, per identity (permissions.routes.ts): each grant is one role
   * assignment's actions and notActions (`*` wildcards as in Azure RBAC), for a client id (`*`: every identity), at the
   * named workspaces (default all). When set, ARM routes enforce them (403 `AuthorizationFailed`, rbac-enforcement.ts).
   * Unset: the API answers exactly the actions the bot needs, and nothing is enforced.
   */
  permissions: z
    .array(
      z.strictObject({
        clientId: z.string().min(1),
        workspaces: z.array(z.string().min(1)).optional(),
        actions: z.array(z.string().min(1)),
        notActions: z.array(z.string().min(1)).optional(),
      }),
    )
    .optional(),
  /** Microsoft Graph: Entra ID group ids per user object id (Teams users' groups, for role bindings). */
  graph: z.strictObject({ memberships: z.record(z.string(), z.array(z.string())) }).optional(),
});

export type EmulatorScenario = z.infer<typeof scenarioSchema>;
export type ScenarioWorkspace = EmulatorScenario["workspaces"][number];
export type ScenarioEndpoint = ScenarioWorkspace["endpoints"][number];
export type ScenarioDeployment = NonNullable<ScenarioEndpoint["deployments"]>[number];

export const DEFAULT_LIST_PAGE_SIZE = 100;
export const DEFAULT_MAX_INSTANCES = 20;
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;

export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
}

export function defaultScenario(): EmulatorScenario {
  const requestSettings = { requestTimeout: "PT5S", maxConcurrentRequestsPerInstance: 1, maxQueueWait: "PT0.5S" };
  return {
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    tenantId: "00000000-0000-0000-0000-0000000000aa",
    resourceGroup: "ml-rg",
    location: "westeurope",
    workspaces: [
      {
        name: "demo",
        endpoints: [
          {
            name: "fraud-scorer",
            authMode: "Key",
            description: "Scores card transactions for fraud",
            tags: { team: "risk" },
            traffic: { blue: 100, green: 0 },
            mirrorTraffic: {},
            deployments: [
              {
                name: "blue",
                model: "azureml:fraud-model:3",
                instanceType: "Standard_DS3_v2",
                capacity: 1,
                autoscale: { minInstances: 1, maxInstances: 2 },
                requestSettings,
                environmentId: "azureml:fraud-env:7",
                scoring: { model: FRAUD_BLUE_MODEL, latencyMs: 4 },
              },
              {
                name: "green",
                model: "azureml:fraud-model:4",
                instanceType: "Standard_DS3_v2",
                capacity: 1,
                autoscale: { minInstances: 1, maxInstances: 2 },
                requestSettings,
                environmentId: "azureml:fraud-env:8",
                scoring: { model: FRAUD_GREEN_MODEL, latencyMs: 6 },
              },
            ],
          },
          {
            name: "churn-model",
            authMode: "AMLToken",
            description: "Predicts customer churn",
            traffic: { main: 100 },
            deployments: [
              {
                name: "main",
                model: "azureml:churn-model:12",
                instanceType: "Standard_F4s_v2",
                capacity: 2,
                requestSettings,
                environmentId: "azureml:churn-env:2",
                scoring: { model: CHURN_MODEL, latencyMs: 3 },
              },
            ],
          },
        ],
        models: [
          {
            name: "fraud-model",
            modelType: "mlflow_model",
            description: "Gradient-boosted fraud classifier, retrained weekly",
            tags: { team: "risk" },
            versions: ["1", "2", "3", "4", "5"],
          },
          { name: "churn-model", modelType: "custom_model", description: "Churn propensity", versions: ["10", "11", "12"] },
        ],
      },
    ],
  };
}

/** Parses and checks a scenario; throws `ScenarioError` naming the first bad field. */
export function parseScenario(input: unknown, source = "scenario"): EmulatorScenario {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
    throw new ScenarioError(`Invalid AML emulator scenario (${source}):\n${lines.join("\n")}`);
  }
  const scenario = parsed.data;
  const problem = findRuleViolation(scenario);
  if (problem !== undefined) throw new ScenarioError(`Invalid AML emulator scenario (${source}):\n  ${problem}`);
  return scenario;
}

export async function loadScenario(path: string): Promise<EmulatorScenario> {
  let raw: string;
  try {
    raw = await readFile(path, "utf8");
  } catch (error) {
    throw new ScenarioError(`Cannot read AML emulator scenario '${path}': ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ScenarioError(`AML emulator scenario '${path}' is not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(json, path);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

/** AML's own rules, applied to the seed data so a scenario can't start in a state Azure would refuse. */
function findRuleViolation(scenario: EmulatorScenario): string | undefined {
  for (const key of ["limits", "externalUsage"] as const) {
    const unknown = Object.keys(scenario.quota?.[key] ?? {}).find((family) => canonicalFamily(family) === undefined);
    if (unknown !== undefined) return `quota.${key}.${unknown}: no managed VM size belongs to the family '${unknown}' (e.g. standardDSv2Family)`;
  }
  const seenWorkspaces = new Set<string>();
  for (const [w, workspace] of scenario.workspaces.entries()) {
    const wsPath = `workspaces[${w}]`;
    const key = `${workspace.resourceGroup ?? scenario.resourceGroup}/${workspace.name}`.toLowerCase();
    if (seenWorkspaces.has(key)) return `${wsPath}.name: workspace '${workspace.name}' appears twice`;
    seenWorkspaces.add(key);
    const seenEndpoints = new Set<string>();
    for (const [e, endpoint] of workspace.endpoints.entries()) {
      const epPath = `${wsPath}.endpoints[${e}]`;
      const deployments = endpoint.deployments ?? [];
      const names = deployments.map((d) => d.name);
      const checks: [string, Violation][] = [
        [`${epPath}.name`, checkResourceName("endpoint", endpoint.name)],
        [`${epPath}.name`, seenEndpoints.has(endpoint.name.toLowerCase()) ? `endpoint '${endpoint.name}' appears twice` : undefined],
      ];
      seenEndpoints.add(endpoint.name.toLowerCase());
      const seenDeployments = new Set<string>();
      for (const [d, deployment] of deployments.entries()) {
        const dPath = `${epPath}.deployments[${d}]`;
        checks.push(
          [`${dPath}.name`, checkResourceName("deployment", deployment.name)],
          [`${dPath}.name`, seenDeployments.has(deployment.name.toLowerCase()) ? `deployment '${deployment.name}' appears twice` : undefined],
          [`${dPath}.capacity`, checkCapacity(deployment.capacity, "capacity")],
          [`${dPath}.autoscale`, checkAutoscale(deployment)],
        );
        seenDeployments.add(deployment.name.toLowerCase());
      }
      // Traffic last: it names deployments, whose own problems are the clearer report.
      checks.push(
        [`${epPath}.traffic`, checkTraffic(endpoint.traffic ?? {}, endpoint.name, names)],
        [`${epPath}.mirrorTraffic`, checkMirrorTraffic(endpoint.mirrorTraffic ?? {}, endpoint.traffic ?? {}, endpoint.name, names)],
      );
      const failed = checks.find(([, violation]) => violation !== undefined);
      if (failed !== undefined) return `${failed[0]}: ${failed[1]}`;
    }
  }
  return undefined;
}

function checkAutoscale(deployment: ScenarioDeployment): Violation {
  const range = deployment.autoscale;
  if (range === undefined) return undefined;
  if (range.minInstances > range.maxInstances || deployment.capacity < range.minInstances || deployment.capacity > range.maxInstances) {
    return `capacity ${deployment.capacity} must lie within minInstances ${range.minInstances} and maxInstances ${range.maxInstances}`;
  }
  return undefined;
}
