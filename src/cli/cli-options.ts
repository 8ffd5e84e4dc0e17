/** Takes `--name value` out of a command line's words (the rest is the chat command), or gives the fallback. */
export function takeOption(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 ? (args.splice(at, 2)[1] ?? fallback) : fallback;
}
