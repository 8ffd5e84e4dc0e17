import type { FileConfig } from "./file-config.js";

/**
 * Local defaults for Slack, documented in README and .env.example: they only ever talk to the local Slack
 * stand-in. In azure mode every Slack setting must be given, and none may be one of these published values.
 */
export const LOCAL_SLACK = {
  signingSecret: "local-signing-secret-not-for-production",
  botToken: "xoxb-local-bot-token",
  botId: "B0LOCALBOT",
  botUserId: "U0LOCALBOT",
} as const;

/** Local default for the alerts webhook secret, documented in README; azure mode refuses it. */
export const LOCAL_ALERTS_SECRET = "local-alerts-secret-not-for-production";

/**
 * What `npm start` and the terminal adapter use when no AML_CONFIG_FILE is given: the emulator's default
 * scenario, and roles that let a newcomer try everything (the local users below are admins).
 */
export const LOCAL_FILE_CONFIG: FileConfig = {
  workspaces: [
    { alias: "demo", subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "ml-rg", workspace: "demo", default: true },
  ],
  policy: {
    defaultRole: "operator",
    bindings: [
      { role: "admin", users: ["terminal:local", "slack:U0LOCALADMIN", "teams:00000000-0000-0000-0000-00000000a11c"] },
      { role: "operator", users: ["slack:U0LOCALOPS"] },
    ],
  },
};
