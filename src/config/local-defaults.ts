import type { FileConfig } from "./file-config.js";

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
