/**
 * The azd template (issue 15 §1, §4), checked offline: azure.yaml points azd at files that exist and at the folder
 * `npm run package` writes; deploy/azd.bicep passes every parameter deploy/main.bicep needs, each one fed from the
 * azd environment or prompted for; secrets stay @secure() all the way and reach no output; everything the bot owns
 * sits in the one resource group `azd down` deletes. No Bicep compiler or azd here, so the files are read as text.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeDeployFolder } from "../../scripts/package-files.js";
import { workspaceGrantCommands } from "../../scripts/workspace-grant-commands.js";

const root = new URL("../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), "utf8");
const azureYaml = read("azure.yaml");
const azdBicep = read("deploy/azd.bicep");
const mainBicep = read("deploy/main.bicep");
const parameters = JSON.parse(read("deploy/azd.parameters.json")) as { parameters: Record<string, { value: string }> };

interface Param {
  readonly name: string;
  readonly type: string;
  readonly hasDefault: boolean;
  readonly secure: boolean;
}

/** `param` declarations with the decorators on the lines just above them. */
function params(bicep: string): Param[] {
  const lines = bicep.split("\n");
  return lines.flatMap((line, i) => {
    const m = /^param (\w+) (\w+)( = .+)?$/.exec(line);
    if (!m) return [];
    let secure = false;
    for (let j = i - 1; j >= 0 && lines[j]!.startsWith("@"); j--) if (lines[j] === "@secure()") secure = true;
    return [{ name: m[1]!, type: m[2]!, hasDefault: m[3] !== undefined, secure }];
  });
}

/** A top-level `key: value` of a YAML block, by its indentation under `parent` (enough for azure.yaml's shape). */
function yamlValue(path: string[]): string | undefined {
  let from = 0;
  const lines = azureYaml.split("\n");
  for (const [depth, key] of path.entries()) {
    const indent = " ".repeat(depth * 2);
    const at = lines.findIndex((line, i) => i >= from && line.startsWith(`${indent}${key}:`));
    if (at < 0) return undefined;
    if (depth === path.length - 1) return lines[at]!.slice(indent.length + key.length + 1).trim() || undefined;
    from = at + 1;
  }
  return undefined;
}

describe("azure.yaml", () => {
  it("names the app as azd's schema allows and points infra at deploy/azd.bicep and its parameters", () => {
    expect(yamlValue(["name"])).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(yamlValue(["infra", "provider"])).toBe("bicep");
    const path = yamlValue(["infra", "path"])!;
    const module = yamlValue(["infra", "module"])!;
    expect(existsSync(new URL(`${path}/${module}.bicep`, root))).toBe(true);
    expect(existsSync(new URL(`${path}/${module}.parameters.json`, root))).toBe(true);
    // deploy/main.bicep stays the resource-group template that `az deployment group create` takes.
    expect(module).not.toBe("main");
    expect(mainBicep).not.toContain("targetScope");
  });

  it("deploys one function service from the folder npm run package writes, as is", () => {
    expect(yamlValue(["services", "bot", "host"])).toBe("function");
    expect(yamlValue(["services", "bot", "language"])).toBe("js");
    expect(yamlValue(["services", "bot", "project"])).toBe(".");
    expect(yamlValue(["services", "bot", "remoteBuild"])).toBe("false");
    const dist = yamlValue(["services", "bot", "dist"]);
    expect(read("scripts/package.ts")).toContain(`args[folderAt + 1] : "${dist}"`);
    // azd's JS service runs the `package` script: it must be the one that writes the folder.
    expect((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts["package"]).toBe("tsx scripts/package.ts");
    // azd finds the app by this tag, named after the service.
    expect(mainBicep).toContain("tags: union(tags, { 'azd-service-name': 'bot' })");
  });

  it("keeps azd's environments, which hold the prompted secrets, out of git", () => {
    expect(read(".gitignore").split("\n")).toContain(".azure/");
  });

  it("runs a postprovision hook that exists", () => {
    const runs = [...azureYaml.matchAll(/run: npx tsx (\S+)/g)].map((m) => m[1]!);
    expect(runs).toEqual(["scripts/workspace-grants.ts", "scripts/workspace-grants.ts"]);
    expect(existsSync(new URL(runs[0]!, root))).toBe(true);
  });
});

describe("deploy/azd.bicep", () => {
  it("is a subscription deployment of one resource group, tagged with the environment, holding deploy/main.bicep", () => {
    expect(azdBicep).toContain("targetScope = 'subscription'");
    expect([...azdBicep.matchAll(/^resource \w+ '([^']+)'/gm)].map((m) => m[1])).toEqual(["Microsoft.Resources/resourceGroups@2024-03-01"]);
    expect([...azdBicep.matchAll(/^module \w+ '([^']+)'/gm)].map((m) => m[1])).toEqual(["main.bicep"]);
    expect(azdBicep).toContain("var tags = { 'azd-env-name': environmentName }");
    expect(azdBicep).toMatch(/module bot 'main.bicep' = \{\n\s*name: '[^']+'\n\s*scope: group\n/);
  });

  it("passes every parameter of main.bicep that has no default, and the same parameters are @secure() in both", () => {
    const passed = /module bot 'main.bicep' = \{[\s\S]*?params: \{\n([\s\S]*?)\n\s*\}\n\}/.exec(azdBicep)?.[1];
    expect(passed).toBeDefined();
    const names = [...passed!.matchAll(/^\s*(\w+): (\w+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
    const main = params(mainBicep);
    for (const p of main.filter((q) => !q.hasDefault)) expect(names.map(([n]) => n), p.name).toContain(p.name);
    for (const [name] of names) expect(main.map((p) => p.name), `main.bicep has no param ${name}`).toContain(name);
    const secureInMain = main.filter((p) => p.secure).map((p) => p.name).sort();
    const secureInAzd = params(azdBicep).filter((p) => p.secure).map((p) => p.name).sort();
    expect(secureInAzd).toEqual(["alertsSecret", "eventsSecret", "slackBotToken", "slackSigningSecret"]);
    expect(secureInMain).toEqual(secureInAzd);
    // Secrets go straight through (declared, then `name: name` into the module): never into a variable, a tag or
    // a name on the way.
    for (const name of secureInAzd) {
      expect([...azdBicep.matchAll(new RegExp(`\\b${name}\\b`, "g"))].length, name).toBe(3);
      expect(azdBicep).toContain(`    ${name}: ${name}\n`);
    }
  });

  it("feeds every parameter from the azd environment, so azd prompts once for whatever is not set", () => {
    const declared = params(azdBicep);
    expect(Object.keys(parameters.parameters).sort()).toEqual(declared.map((p) => p.name).sort());
    const env = Object.fromEntries(Object.entries(parameters.parameters).map(([name, { value }]) => [name, /^\$\{([A-Z_]+)\}$/.exec(value)?.[1]]));
    expect(env).toEqual({
      environmentName: "AZURE_ENV_NAME",
      location: "AZURE_LOCATION",
      amlConfigJson: "AML_CONFIG_JSON",
      slackBotId: "SLACK_BOT_ID",
      slackBotUserId: "SLACK_BOT_USER_ID",
      // The same names as the app settings the bot reads, so one set of names serves local runs and azd.
      slackSigningSecret: "SLACK_SIGNING_SECRET",
      slackBotToken: "SLACK_BOT_TOKEN",
      alertsSecret: "AML_ALERTS_SECRET",
      eventsSecret: "AML_EVENTS_SECRET",
    });
    // azd prompts only for a parameter without a default whose value comes out empty: only the optional events
    // secret has one (empty: no Event Grid), in both templates.
    expect(declared.filter((p) => p.hasDefault).map((p) => p.name)).toEqual(["eventsSecret"]);
    expect(azdBicep).toContain("param eventsSecret string = ''");
    expect(mainBicep).toContain("param eventsSecret string = ''");
  });

  it("outputs nothing secret, in azd.bicep or main.bicep", () => {
    const secure = params(mainBicep).filter((p) => p.secure).map((p) => p.name);
    for (const bicep of [azdBicep, mainBicep]) {
      const outputs = bicep.split("\n").filter((line) => line.startsWith("output "));
      expect(outputs.length).toBeGreaterThan(4);
      for (const line of outputs) {
        expect(line).not.toMatch(/secretUri|listKeys|connectionString|ConnectionString|@secure/i);
        for (const name of secure) expect(line).not.toContain(name);
      }
    }
  });

  it("grants the bot's identity roles only on its own resources: storage, Key Vault, Application Insights", () => {
    const scopes = [...mainBicep.matchAll(/resource \w+ 'Microsoft\.Authorization\/roleAssignments@[^']+' = [\s\S]*?scope: (\w+)/g)].map((m) => m[1]);
    expect(scopes).toEqual(["storage", "vault", "insights"]);
    expect(azdBicep).not.toContain("Microsoft.Authorization");
  });
});

describe("the package azd deploys", () => {
  it("is the package's files plus a .funcignore that ignores only itself, so azd keeps the bundle's node_modules", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aml-azd-folder-"));
    const files = [
      { name: "host.json", data: Buffer.from("{}") },
      { name: "dist/functions/http.function.js", data: Buffer.from("export {};") },
      { name: "dist/node_modules/@resvg/resvg-wasm/index_bg.wasm", data: Buffer.from([0, 97, 115, 109]) },
    ];
    await writeDeployFolder(join(dir, "app"), files);
    const written = (await readdir(join(dir, "app"), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(join(dir, "app").length + 1));
    expect(written.sort()).toEqual([".funcignore", ...files.map((f) => f.name)].sort());
    expect(await readFile(join(dir, "app", ".funcignore"), "utf8")).toBe(".funcignore\n");
    expect(await readFile(join(dir, "app", "dist/node_modules/@resvg/resvg-wasm/index_bg.wasm"))).toEqual(files[2]!.data);
  });
});

describe("the postprovision hook's grant commands", () => {
  const config = JSON.stringify({
    workspaces: [
      { alias: "dev", subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "ml-dev-rg", workspace: "ml-dev" },
      { alias: "dev-again", subscriptionId: "11111111-2222-3333-4444-555555555555", resourceGroup: "ml-dev-rg", workspace: "ml-dev" },
      { alias: "prod", subscriptionId: "99999999-2222-3333-4444-555555555555", resourceGroup: "ml-prod-rg", workspace: "ml-prod", default: true },
    ],
    policy: { defaultRole: "viewer", bindings: [] },
  });

  it("grant each workspace once, at its resource group, and quota once per subscription", () => {
    const commands = workspaceGrantCommands({ configJson: config, principalId: "0f0e0d0c-0000-4000-8000-000000000001", location: "westeurope" });
    expect(commands).toEqual([
      "az deployment group create --subscription 11111111-2222-3333-4444-555555555555 --resource-group ml-dev-rg --name aml-chatops-access-ml-dev --template-file deploy/workspace-access.bicep --parameters workspaceName=ml-dev principalId=0f0e0d0c-0000-4000-8000-000000000001",
      "az deployment group create --subscription 99999999-2222-3333-4444-555555555555 --resource-group ml-prod-rg --name aml-chatops-access-ml-prod --template-file deploy/workspace-access.bicep --parameters workspaceName=ml-prod principalId=0f0e0d0c-0000-4000-8000-000000000001",
      "az deployment sub create --subscription 11111111-2222-3333-4444-555555555555 --location westeurope --name aml-chatops-quota --template-file deploy/quota-access.bicep --parameters principalId=0f0e0d0c-0000-4000-8000-000000000001",
      "az deployment sub create --subscription 99999999-2222-3333-4444-555555555555 --location westeurope --name aml-chatops-quota --template-file deploy/quota-access.bicep --parameters principalId=0f0e0d0c-0000-4000-8000-000000000001",
    ]);
  });

  it("pass every parameter the templates require and only ones they declare, and the principal id azd.bicep outputs", () => {
    const commands = workspaceGrantCommands({ configJson: config, principalId: "p", location: "l", eventsTo: { functionApp: "amlchat-abc" } });
    expect(new Set(commands.map((c) => /--template-file (\S+)/.exec(c)![1]))).toEqual(new Set(["deploy/workspace-access.bicep", "deploy/modules/event-grid.bicep", "deploy/quota-access.bicep"]));
    for (const command of commands) {
      const template = /--template-file (\S+)/.exec(command)![1]!;
      const given = [...command.matchAll(/ (\w+)=\S+/g)].map((m) => m[1]!);
      const declared = params(read(template));
      for (const p of declared.filter((q) => !q.hasDefault)) expect(given, `${template} needs ${p.name}`).toContain(p.name);
      for (const name of given) expect(declared.map((p) => p.name), `${template} has no param ${name}`).toContain(name);
    }
    expect(azdBicep).toContain("output AML_CHATOPS_PRINCIPAL_ID string = bot.outputs.identityPrincipalId");
    expect(read("scripts/workspace-grants.ts")).toContain('process.env["AML_CHATOPS_PRINCIPAL_ID"]');
  });

  it("subscribe each workspace to its events only with an events secret, which the command reads from azd and never prints", () => {
    const without = workspaceGrantCommands({ configJson: config, principalId: "p", location: "westeurope" });
    expect(without.filter((c) => c.includes("event-grid"))).toEqual([]);
    const withEvents = workspaceGrantCommands({ configJson: config, principalId: "p", location: "westeurope", eventsTo: { functionApp: "amlchat-abc" } });
    expect(withEvents.filter((c) => c.includes("event-grid"))).toEqual([
      'az deployment group create --subscription 11111111-2222-3333-4444-555555555555 --resource-group ml-dev-rg --name aml-chatops-events-ml-dev --template-file deploy/modules/event-grid.bicep --parameters workspaceName=ml-dev functionAppHost=amlchat-abc.azurewebsites.net eventsSecret="$(azd env get-value AML_EVENTS_SECRET)"',
      'az deployment group create --subscription 99999999-2222-3333-4444-555555555555 --resource-group ml-prod-rg --name aml-chatops-events-ml-prod --template-file deploy/modules/event-grid.bicep --parameters workspaceName=ml-prod functionAppHost=amlchat-abc.azurewebsites.net eventsSecret="$(azd env get-value AML_EVENTS_SECRET)"',
    ]);
    expect(azdBicep).toContain("output AML_CHATOPS_FUNCTION_APP string = bot.outputs.functionAppName");
  });

  it("refuse a config the bot would refuse, naming the problem", () => {
    expect(() => workspaceGrantCommands({ configJson: "{", principalId: "p", location: "l" })).toThrow(/AML_CONFIG_JSON is not valid JSON/);
  });

  it("are what the hook prints from azd's environment, and the hook names what it lacks instead of printing nothing", () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/workspace-grants.ts"], { env: { PATH: process.env["PATH"] ?? "", ...env }, encoding: "utf8", timeout: 30_000 });
    const ok = run({ AML_CHATOPS_PRINCIPAL_ID: "0f0e0d0c-0000-4000-8000-000000000001", AZURE_LOCATION: "westeurope", AML_CONFIG_JSON: config });
    expect(ok.status, ok.stderr).toBe(0);
    for (const command of workspaceGrantCommands({ configJson: config, principalId: "0f0e0d0c-0000-4000-8000-000000000001", location: "westeurope" })) {
      expect(ok.stdout).toContain(`  ${command}\n`);
    }
    const secret = "events-secret-that-must-not-be-printed";
    const events = run({ AML_CHATOPS_PRINCIPAL_ID: "p", AZURE_LOCATION: "westeurope", AML_CONFIG_JSON: config, AML_CHATOPS_FUNCTION_APP: "amlchat-abc", AML_EVENTS_SECRET: secret });
    expect(events.status, events.stderr).toBe(0);
    expect(events.stdout).toContain("deploy/modules/event-grid.bicep");
    expect(events.stdout + events.stderr).not.toContain(secret);
    const missing = run({ AZURE_LOCATION: "westeurope", AML_CONFIG_JSON: config });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("Needs AML_CHATOPS_PRINCIPAL_ID, AML_CONFIG_JSON and AZURE_LOCATION");
  }, 40_000);
});
