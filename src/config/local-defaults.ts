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

/** Local default for the Event Grid deliveries' secret (the emulator's webhook sends it); azure mode refuses it. */
export const LOCAL_EVENTS_SECRET = "local-events-secret-not-for-production";

/**
 * The named users of the local stack, one per role on each platform: what `npm run slack -- --user`,
 * `npm run teams -- --user` and `npm run aml -- --as` pick from (each defaults to the admin).
 */
export const LOCAL_USERS = {
  admin: { terminal: "local", slack: "U0LOCALADMIN", teams: "00000000-0000-0000-0000-00000000a11c" },
  operator: { terminal: "ops", slack: "U0LOCALOPS", teams: "00000000-0000-0000-0000-0000000000b5" },
  approver: { terminal: "approver", slack: "U0LOCALAPPROVER", teams: "00000000-0000-0000-0000-0000000a9900" },
  viewer: { terminal: "viewer", slack: "U0LOCALVIEWER", teams: "00000000-0000-0000-0000-00000000f1e3" },
} as const;

type LocalUser = (typeof LOCAL_USERS)[keyof typeof LOCAL_USERS];

function qualified(user: LocalUser): string[] {
  return [`terminal:${user.terminal}`, `slack:${user.slack}`, `teams:${user.teams}`];
}

/**
 * What `npm start` and the terminal adapter use when no AML_CONFIG_FILE is given: the emulator's default
 * scenario, and the named local users above.
 *
 * Anyone else is a viewer: a user the config does not name can look but not change anything. Local mode is where
 * configs are first written and copied from, so its default is the one a real organisation's config should have
 * (never "everyone operates"), and the local stack shows what a denied change looks like.
 */
export const LOCAL_FILE_CONFIG: FileConfig = {
  workspaces: [
    { alias: "demo", subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "ml-rg", workspace: "demo", default: true },
  ],
  policy: {
    defaultRole: "viewer",
    bindings: [
      { role: "admin", users: qualified(LOCAL_USERS.admin) },
      { role: "operator", users: qualified(LOCAL_USERS.operator) },
      // An operator who also approves others' changes (see `approvals` below).
      { role: "operator", users: qualified(LOCAL_USERS.approver) },
      // Named to show the role explicitly; unknown users get it too.
      { role: "viewer", users: qualified(LOCAL_USERS.viewer) },
    ],
    // churn-model plays the production endpoint: its changes wait for someone else's Approve (four eyes), from the
    // approver or the admin, on either platform. fraud-scorer keeps the plain Apply, so both flows can be tried.
    approvals: [
      {
        workspace: "demo",
        endpoints: ["churn-model"],
        verbs: ["traffic", "mirror", "scale", "deploy", "delete", "revert", "promote"],
        approvers: { users: [...qualified(LOCAL_USERS.approver), ...qualified(LOCAL_USERS.admin)] },
        minApprovals: 1,
        expiresInMinutes: 60,
      },
    ],
    // `aml promote` in the emulator: a deployment there serves a few requests a minute (fraud-scorer peaks at about
    // 33), and a step's window is a minute or two, so the built-in plan (20 requests at 10 %) would only ever be
    // inconclusive, and with a handful of requests one error moves a share by 20 points. Hence a 50 % shadow
    // stage and 25 % first live step, 5 requests for a verdict, and error bounds that a healthy candidate's odd
    // error cannot cross but the scoring knobs can (an error rate of 0.5 fails the 4xx gate: the emulator, like
    // Azure ML, answers a failing model with 424; a latency knob fails the p99 gate). Short holds, so a demo ends
    // within minutes even in plan time; a real workspace's entry would keep the built-in shape.
    promotions: [
      {
        workspace: "demo",
        steps: "mirror 50% 5m, 25% 5m, 50% 5m, 100%",
        gates: "p99 <= 1.2x, 5xx <= 20%, 4xx <= 20%",
        minRequests: 5,
        maxExtensions: 3,
        soakMinutes: 2,
      },
    ],
  },
};
