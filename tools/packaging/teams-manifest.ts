/**
 * The Teams app manifest (schema v1.14, the version of the published manifests this project is checked against
 * offline), with the bot's command list generated from the verb table, and the two icons Teams requires.
 *
 * - `id` / `bots[].botId`: `${{TEAMS_APP_ID}}` / `${{TEAMS_BOT_ID}}` placeholders in the committed template
 *   (Teams Toolkit syntax); the packager fills them from the environment. With a user-assigned managed identity
 *   the bot id is that identity's client id (`MicrosoftAppId`).
 * - `commandLists`: one list for all three scopes, one command per verb (at most 10, Teams' limit, `help` always
 *   among them), title = the verb (the bot accepts it with or without `aml`), description = its summary (at most
 *   128 characters).
 * - Icons: `color.png` 192×192 (full colour), `outline.png` 32×32 (white on transparent), as Teams requires.
 */
import type { AnyVerb } from "../../commands/verb-spec.js";
import { RgbaImage, type Rgba } from "./png.js";

export const TEAMS_MANIFEST_VERSION = "1.14";
export const TEAMS_APP_ID_PLACEHOLDER = "${{TEAMS_APP_ID}}";
export const TEAMS_BOT_ID_PLACEHOLDER = "${{TEAMS_BOT_ID}}";
export const TEAMS_LIMITS = { commands: 10, commandTitle: 32, commandDescription: 128, shortDescription: 80, shortName: 30 } as const;

/** Teams spells the group chat scope in lower case in manifest v1.14 (as the published manifests do). */
const SCOPES = ["personal", "team", "groupchat"] as const;

export interface TeamsManifestOptions {
  /** The app's version (`x.y.z`), from package.json. */
  readonly version: string;
  readonly appId?: string;
  readonly botId?: string;
  readonly developer?: { readonly name?: string; readonly websiteUrl?: string; readonly privacyUrl?: string; readonly termsOfUseUrl?: string };
}

export interface TeamsManifest {
  readonly $schema: string;
  readonly manifestVersion: string;
  readonly version: string;
  readonly id: string;
  readonly developer: { readonly name: string; readonly websiteUrl: string; readonly privacyUrl: string; readonly termsOfUseUrl: string };
  readonly icons: { readonly outline: string; readonly color: string };
  readonly name: { readonly short: string; readonly full: string };
  readonly description: { readonly short: string; readonly full: string };
  readonly accentColor: string;
  readonly bots: readonly {
    readonly botId: string;
    readonly scopes: readonly string[];
    readonly isNotificationOnly: boolean;
    readonly supportsCalling: boolean;
    readonly supportsVideo: boolean;
    readonly supportsFiles: boolean;
    readonly commandLists: readonly { readonly scopes: readonly string[]; readonly commands: readonly { readonly title: string; readonly description: string }[] }[];
  }[];
  readonly permissions: readonly string[];
  readonly validDomains: readonly string[];
}

export const ICON_FILES = { color: "color.png", outline: "outline.png" } as const;
const ACCENT = "#0078D4";

export function teamsManifest(verbs: readonly AnyVerb[], options: TeamsManifestOptions): TeamsManifest {
  const developer = options.developer ?? {};
  return {
    $schema: `https://developer.microsoft.com/en-us/json-schemas/teams/v${TEAMS_MANIFEST_VERSION}/MicrosoftTeams.schema.json`,
    manifestVersion: TEAMS_MANIFEST_VERSION,
    version: options.version,
    id: options.appId ?? TEAMS_APP_ID_PLACEHOLDER,
    developer: {
      name: developer.name ?? "aml-chatops",
      websiteUrl: developer.websiteUrl ?? "https://www.example.com/aml-chatops",
      privacyUrl: developer.privacyUrl ?? "https://www.example.com/aml-chatops/privacy",
      termsOfUseUrl: developer.termsOfUseUrl ?? "https://www.example.com/aml-chatops/terms",
    },
    icons: { outline: ICON_FILES.outline, color: ICON_FILES.color },
    name: { short: "aml-chatops", full: "aml-chatops: Azure ML online endpoints from chat" },
    description: {
      short: "Operate Azure ML online endpoints: traffic, mirroring, scale, audit.",
      full:
        "See Azure Machine Learning managed online endpoints at a glance, shift live and mirrored traffic between " +
        "deployments with a before → after preview and an Apply button, scale deployments, and read who changed what. " +
        "Every change is previewed, checked like Azure checks it, and audited.",
    },
    accentColor: ACCENT,
    bots: [
      {
        botId: options.botId ?? TEAMS_BOT_ID_PLACEHOLDER,
        scopes: [...SCOPES],
        isNotificationOnly: false,
        supportsCalling: false,
        supportsVideo: false,
        supportsFiles: false,
        commandLists: [{ scopes: [...SCOPES], commands: manifestCommands(verbs) }],
      },
    ],
    permissions: ["identity", "messageTeamMembers"],
    validDomains: [],
  };
}

/** The verbs people reach for first, kept in the manifest's 10 before the rest in help's order. */
const FIRST_IN_MANIFEST = ["endpoints", "show", "traffic", "deploy", "approvals", "metrics", "invoke", "digest", "audit"];

/**
 * One command per verb. Teams shows at most 10 per list: the verbs of `FIRST_IN_MANIFEST` come first, then the
 * others in help's order while there is room, and `help` (last in the table) always stays, since it lists every verb.
 */
export function manifestCommands(verbs: readonly AnyVerb[]): { title: string; description: string }[] {
  const help = verbs.find((v) => v.name === "help");
  const rank = (verb: AnyVerb): number => {
    const at = FIRST_IN_MANIFEST.indexOf(verb.name);
    return at >= 0 ? at : FIRST_IN_MANIFEST.length + verbs.indexOf(verb);
  };
  const others = verbs.filter((v) => v !== help).sort((a, b) => rank(a) - rank(b));
  const room = TEAMS_LIMITS.commands - (help ? 1 : 0);
  const listed = [...others.slice(0, room), ...(help ? [help] : [])];
  return listed.map((verb) => ({
    title: clip(verb.name, TEAMS_LIMITS.commandTitle),
    description: clip(verb.summary, TEAMS_LIMITS.commandDescription),
  }));
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const WHITE: Rgba = [255, 255, 255, 255];

/** Three bars of a traffic split, white, on the accent colour (192×192) or on transparent (32×32). */
export function teamsIcons(): { color: Buffer; outline: Buffer } {
  const accent = hexColour(ACCENT);
  const color = new RgbaImage(192, 192, accent);
  bars(color, 192, WHITE);
  const outline = new RgbaImage(32, 32, [0, 0, 0, 0]);
  bars(outline, 32, WHITE);
  return { color: color.encode(), outline: outline.encode() };
}

function bars(image: RgbaImage, size: number, colour: Rgba): void {
  const unit = size / 32;
  const px = (n: number): number => Math.round(n * unit);
  // Heights 60 %, 100 %, 35 % of the drawing area: a before → after split at a glance.
  const heights = [15, 24, 9];
  heights.forEach((height, i) => {
    const x = px(5 + i * 8);
    image.fillRect(x, px(28 - height), px(6), px(height), colour);
  });
  image.fillRect(px(3), px(28), px(26), Math.max(1, px(1)), colour);
}

function hexColour(hex: string): Rgba {
  const value = parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff, 255];
}
