import { HELP_GROUPS } from "./help-groups.js";
import { foldUsage, helpFields } from "./parse/grammar-usage.js";
import { channelReply, problemReply } from "./replies.js";
import type { Reply, Section } from "./reply.js";
import { defineVerb, type AnyVerb } from "./verb-spec.js";
import { applyVerb, cancelVerb } from "./verbs/apply.verb.js";

/**
 * The one table of verbs: it resolves names and aliases and generates help, so help can never disagree with
 * what runs. A name or alias used twice is a programming error, refused at start-up. Every table has `help` and
 * the typed buttons `apply` and `cancel`: hidden entries, looked up and explained like any verb, but not listed.
 */
export class VerbTable {
  private readonly byWord = new Map<string, AnyVerb>();
  /** Every entry, hidden ones included. */
  readonly entries: readonly AnyVerb[];
  /** The verbs help lists, in its order. */
  readonly verbs: readonly AnyVerb[];
  /** `aml help` depends on the table only: built once. */
  #help: Reply | undefined;

  constructor(verbs: readonly AnyVerb[]) {
    this.entries = [...verbs, createHelpVerb(this), applyVerb, cancelVerb];
    this.verbs = this.entries.filter((v) => !v.hidden);
    for (const verb of this.entries) {
      for (const word of [verb.name, ...verb.aliases]) {
        const taken = this.byWord.get(word);
        if (taken) throw new Error(`Verb word "${word}" of "${verb.name}" is already used by "${taken.name}".`);
        this.byWord.set(word, verb);
      }
    }
  }

  lookup(word: string): AnyVerb | undefined {
    return this.byWord.get(word.toLowerCase());
  }

  /** Closest verb names for a typo, best first. */
  suggest(word: string): string[] {
    return this.entries
      .map((v) => ({ name: v.name, distance: Math.min(...[v.name, ...v.aliases].map((w) => editDistance(word.toLowerCase(), w))) }))
      .filter((s) => s.distance <= 2)
      .sort((a, b) => a.distance - b.distance)
      .map((s) => s.name);
  }

  /**
   * `aml help`: the listed verbs under their headings (`HELP_GROUPS`, in table order within each), one line each:
   * the short form and the summary. Text sections, not a table, so every platform wraps them to its width; a verb
   * without a group (only stand-ins in tests: the bot's verbs all have one) comes last under "Other".
   */
  helpReply(): Reply {
    return (this.#help ??= this.buildHelpReply());
  }

  private buildHelpReply(): Reply {
    const groups = [...HELP_GROUPS.map((g) => ({ title: g.title, verbs: this.verbs.filter((v) => v.group === g.id) })), { title: "Other", verbs: this.verbs.filter((v) => v.group === undefined) }];
    const sections = groups
      .filter((g) => g.verbs.length > 0)
      .map((g): Section => ({ kind: "text", text: [`*${g.title}*`, ...g.verbs.map((v) => `\`aml ${v.synopsis}\` — ${v.summary}`)].join("\n") }));
    return channelReply({
      title: "aml: operate Azure ML online endpoints from chat",
      tone: "info",
      sections: [
        ...sections,
        { kind: "divider" },
        { kind: "text", text: "Leave the endpoint out when the channel has a default (`aml use`) or only one endpoint fits." },
        { kind: "text", text: "Changes answer with a preview and Apply / Cancel buttons; `aml apply <id>` and `aml cancel <id>` do the same by hand, `--yes` applies at once." },
      ],
      context: ["`aml help <verb>` for its options, examples and the role it needs"],
      visibility: "requester",
      summary: `aml verbs: ${this.verbs.map((v) => v.name).join(", ")}`,
    });
  }

  verbHelpReply(verb: AnyVerb): Reply {
    const sections: Section[] = [
      { kind: "text", text: verb.summary },
      { kind: "code", text: verb.usageLines.flatMap((line) => foldUsage(`aml ${line}`)).join("\n") },
      ...(verb.notes ?? []).map((text): Section => ({ kind: "text", text })),
    ];
    const fields = helpFields(verb.grammar);
    if (fields.length > 0) sections.push({ kind: "fields", fields });
    if (verb.examples.length > 0) sections.push({ kind: "code", text: verb.examples.map((e) => `aml ${e}`).join("\n") });
    const aliases = verb.aliases.length ? ` · also: ${verb.aliases.join(", ")}` : "";
    return channelReply({
      title: `aml ${verb.name}`,
      tone: "info",
      sections,
      context: [`Needs role: ${verb.roleNote ?? verb.role}${aliases}`],
      visibility: "requester",
      summary: `aml ${verb.usage}: ${verb.summary}`,
    });
  }
}

function createHelpVerb(table: VerbTable): AnyVerb {
  return defineVerb({
    name: "help",
    aliases: ["?"],
    group: "settings",
    summary: "This list, or one verb's options and examples",
    examples: ["help", "help traffic"],
    role: "viewer",
    slow: false,
    noWorkspace: true,
    positionals: [{ name: "verb", optional: true, description: "A verb or one of its aliases" }],
    flags: {},
    async run(_ctx, a) {
      if (a.verb === undefined) return { reply: table.helpReply(), audit: { outcome: "ok" } };
      const verb = table.lookup(a.verb);
      if (verb) return { reply: table.verbHelpReply(verb), audit: { outcome: "ok" } };
      const reply = problemReply("Unknown verb", [`There is no verb \`${a.verb}\`.`], "`aml help` lists them all.");
      return { reply, audit: { outcome: "invalid" } };
    },
  });
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
