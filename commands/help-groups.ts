/**
 * The headings `aml help` lists verbs under, in its order. Every verb help lists names one (`group` in its spec);
 * the verb table refuses one that does not, so a verb added later appears under its heading by itself.
 */
export const HELP_GROUPS = [
  { id: "look", title: "Look" },
  { id: "change", title: "Change" },
  { id: "approvals", title: "Approvals and freezes" },
  { id: "try", title: "Try an endpoint" },
  { id: "settings", title: "Settings and help" },
] as const;

export type HelpGroup = (typeof HELP_GROUPS)[number]["id"];
