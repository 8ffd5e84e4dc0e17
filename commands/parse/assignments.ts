/** `blue=80`, `blue=80%`, `blue:80`, `blue:80%`: a deployment and a percentage, as people type them. */
const ASSIGNMENT = /^([A-Za-z0-9][A-Za-z0-9_-]*)[=:](-?\d+(?:\.\d+)?)%?$/;

/**
 * Every way one pair may be written, for help (`aml help traffic`, `aml help mirror`); a test parses each. Numbers
 * that are negative or not whole parse, and the traffic rules then refuse them with their own message.
 */
export function assignmentSpellings(deployment: string, percent: number): readonly string[] {
  return [`${deployment}=${percent}`, `${deployment}=${percent}%`, `${deployment}:${percent}`, `${deployment}:${percent}%`];
}

/** The help line on how pairs are written, with `deployment` and `percent` as the example. */
export function assignmentSpellingsNote(deployment: string, percent: number): string {
  const spellings = assignmentSpellings(deployment, percent).map((s) => `\`${s}\``);
  return (
    `A pair is a deployment and a whole percentage, written ${spellings.slice(0, -1).join(", ")} or ${spellings.at(-1)}; ` +
    `pairs are separated by spaces. Not pairs: \`${deployment} ${percent}\`, \`${deployment} = ${percent}\`, \`${deployment}=${percent},…\` (no commas).`
  );
}

export function isAssignment(word: string): boolean {
  return ASSIGNMENT.test(word);
}

export type AssignmentsResult = { ok: true; split: Record<string, number> } | { ok: false; message: string };

export function parseAssignments(words: readonly string[]): AssignmentsResult {
  const split: Record<string, number> = {};
  for (const word of words) {
    const match = ASSIGNMENT.exec(word);
    if (!match) return { ok: false, message: `\`${word}\` is not a \`deployment=percent\` pair (for example \`blue=80\`).` };
    const [, name, value] = match as unknown as [string, string, string];
    if (name in split) return { ok: false, message: `\`${name}\` is given twice.` };
    split[name] = Number(value);
  }
  return { ok: true, split };
}
