/**
 * The one platform-neutral message model. Verbs return a Reply; each chat adapter has one pure renderer
 * (Block Kit, Adaptive Card, plain text) that simplifies what its platform cannot show.
 * No platform fields belong here.
 */

export type Tone = "info" | "success" | "warning" | "error";

export interface TrafficBar {
  readonly deployment: string;
  readonly percent: number;
  /** Set in a before → after preview. */
  readonly before?: number;
}

export type Section =
  /** Light markdown: *bold*, _italic_, `code`. Renderers translate it. */
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "fields"; readonly fields: readonly Field[] }
  | { readonly kind: "table"; readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: "traffic"; readonly label: string; readonly bars: readonly TrafficBar[] }
  | { readonly kind: "code"; readonly text: string; readonly language?: string }
  | { readonly kind: "image"; readonly url: string; readonly altText: string; readonly title?: string }
  /**
   * A line chart. It carries its data, so every renderer can fall back to text (sparklines), and, when the
   * core could draw it, the picture: Slack uploads it as a file, Teams shows it inline while it is small enough.
   */
  | { readonly kind: "chart"; readonly chart: Chart; readonly altText: string; readonly image?: ChartImage }
  | { readonly kind: "divider" };

/** Points shared by every panel: `times[i]` (ISO 8601, UTC) is the start of point i of each series. */
export interface Chart {
  readonly title: string;
  readonly times: readonly string[];
  readonly panels: readonly ChartPanel[];
}

/** One plot area with its own unit, e.g. "Latency P99" in ms or "Requests" per minute. */
export interface ChartPanel {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly ChartSeries[];
}

export interface ChartSeries {
  readonly name: string;
  /** One value per `Chart.times`; `null` where there was no data. */
  readonly values: readonly (number | null)[];
}

/** A drawn chart: PNG bytes as base64 (a Reply stays plain, serialisable data). */
export interface ChartImage {
  readonly mimeType: "image/png";
  readonly base64: string;
  readonly width: number;
  readonly height: number;
  /**
   * Where the same picture is served over https, when a delivery hosted it (Teams: a card too small for the
   * bytes). Renderers that can show a picture by link prefer it; Slack keeps uploading the bytes.
   */
  readonly url?: string;
}

export interface Field {
  readonly label: string;
  readonly value: string;
}

export interface Confirm {
  readonly title: string;
  readonly text: string;
  readonly confirm: string;
  readonly deny: string;
}

/** A text box that goes with a button: what was typed in it is sent with the click (a rejection's reason). */
export interface ButtonInput {
  readonly label: string;
  readonly placeholder?: string;
}

/** A button runs `verb` on the stored payload `payloadId` (a pending change, an approval...). */
export interface Button {
  readonly label: string;
  readonly verb: string;
  readonly payloadId: string;
  readonly style?: "primary" | "danger";
  readonly confirm?: Confirm;
  /** This button sends what was typed in its box with the click (`ActionInvocation.input`); renderers show the box. */
  readonly input?: ButtonInput;
}

export interface Reply {
  readonly title?: string;
  readonly tone?: Tone;
  readonly sections: readonly Section[];
  readonly buttons?: readonly Button[];
  /** Small print under the message: who, when, correlation ids, hints. */
  readonly context?: readonly string[];
  /** `requester`: only the person who asked sees it (ephemeral). */
  readonly visibility: "requester" | "channel";
  /** `replace`: update the message the action came from instead of posting a new one. */
  readonly mode: "new" | "replace";
  /** Post into this thread (a stable key chosen by the core, e.g. an endpoint and a day). */
  readonly threadKey?: string;
  /** Plain-text summary for notifications and screen readers. */
  readonly summary: string;
  /**
   * People to notify, by platform-qualified id (`slack:U123`, `teams:<aad-object-id>`, and groups such as Slack
   * user groups `slack:S123`): each platform mentions its own in a "cc" line and leaves the others' out.
   */
  readonly notify?: { readonly users: readonly string[]; readonly groups: readonly string[] };
}
