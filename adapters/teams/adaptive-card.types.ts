/** Minimal Adaptive Card 1.4 types: just what the renderer emits (no botbuilder import). */

export type Spacing = "None" | "Small" | "Default" | "Medium" | "Large" | "ExtraLarge" | "Padding";
export type TextColor = "Default" | "Dark" | "Light" | "Accent" | "Good" | "Warning" | "Attention";

interface ElementBase {
  spacing?: Spacing;
  separator?: boolean;
}

export interface TextBlock extends ElementBase {
  type: "TextBlock";
  text: string;
  wrap?: boolean;
  size?: "Small" | "Default" | "Medium" | "Large" | "ExtraLarge";
  weight?: "Lighter" | "Default" | "Bolder";
  color?: TextColor;
  isSubtle?: boolean;
  fontType?: "Default" | "Monospace";
}

export interface TextRun {
  type: "TextRun";
  text: string;
  fontType?: "Default" | "Monospace";
  weight?: "Lighter" | "Default" | "Bolder";
  italic?: boolean;
  isSubtle?: boolean;
  size?: "Small" | "Default" | "Medium" | "Large" | "ExtraLarge";
}

export interface RichTextBlock extends ElementBase {
  type: "RichTextBlock";
  inlines: TextRun[];
}

export interface Fact {
  title: string;
  value: string;
}

export interface FactSet extends ElementBase {
  type: "FactSet";
  facts: Fact[];
}

export interface Column {
  type: "Column";
  /** "auto", "stretch", a relative weight, or "<n>px". */
  width?: "auto" | "stretch" | number | `${number}px`;
  items: CardElement[];
  verticalContentAlignment?: "Top" | "Center" | "Bottom";
}

export interface ColumnSet extends ElementBase {
  type: "ColumnSet";
  columns: Column[];
}

export interface Container extends ElementBase {
  type: "Container";
  items: CardElement[];
  style?: "default" | "emphasis" | "good" | "attention" | "warning" | "accent";
}

export interface Image extends ElementBase {
  type: "Image";
  url: string;
  altText: string;
}

export interface ActionSet extends ElementBase {
  type: "ActionSet";
  actions: CardAction[];
}

/** A one-line text box (`label` needs 1.3). Its value reaches the bot in the clicked action's data, keyed by `id`. */
export interface TextInput extends ElementBase {
  type: "Input.Text";
  id: string;
  label: string;
  placeholder?: string;
  maxLength?: number;
}

export type CardElement = TextBlock | RichTextBlock | FactSet | ColumnSet | Container | Image | TextInput | ActionSet;

/**
 * What an action carries. The bot receives it back in `value.action.data` (invoke) or `value` (Action.Submit
 * fallback), with the value of every input of the card added under the input's `id`.
 */
export interface ActionData {
  verb: string;
  payloadId: string;
}

export interface ExecuteAction {
  type: "Action.Execute";
  title: string;
  verb: string;
  data: ActionData;
  style?: "positive" | "destructive";
  fallback?: "Action.Submit";
}

export interface ShowCardAction {
  type: "Action.ShowCard";
  title: string;
  style?: "positive" | "destructive";
  card: NestedCard;
}

export type CardAction = ExecuteAction | ShowCardAction;

export interface NestedCard {
  type: "AdaptiveCard";
  body: CardElement[];
  actions: CardAction[];
}

export interface AdaptiveCard {
  $schema: "http://adaptivecards.io/schemas/adaptive-card.json";
  type: "AdaptiveCard";
  version: "1.4";
  fallbackText: string;
  speak: string;
  body: CardElement[];
  /** Teams only: use the full message width (tables and bars need it); the people the card mentions. */
  msteams: { width: "Full"; entities?: MentionEntity[] };
}

/** A person mentioned in a TextBlock as `<at>Name</at>`: Teams shows their name and notifies them. */
export interface MentionEntity {
  type: "mention";
  text: string;
  mentioned: { id: string; name: string };
}

/** Someone a card mentions: their AAD object id (or Teams user id) and their name in the conversation. */
export interface CardMention {
  readonly id: string;
  readonly name: string;
}
