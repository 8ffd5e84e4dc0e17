import type { TrafficSplit } from "./endpoint.js";

/**
 * The rules Azure ML applies to live and mirror traffic, checked locally so a bad split is refused with a
 * clear message before anything is sent. The emulator implements the same rules independently.
 */

export const MAX_MIRROR_PERCENT = 50;

export function describeSplit(split: TrafficSplit): string {
  const entries = Object.entries(split);
  if (entries.length === 0) return "none";
  return entries.map(([name, percent]) => `${name}=${percent}`).join(" ");
}

/** Whether two splits send the same shares (a deployment at 0 % and one left out are the same). */
export function sameSplit(a: TrafficSplit, b: TrafficSplit): boolean {
  const nonZero = (split: TrafficSplit): string[] => Object.entries(split).filter(([, percent]) => percent !== 0).map(([name, percent]) => `${name}=${percent}`).sort();
  return nonZero(a).join(" ") === nonZero(b).join(" ");
}

export function sumOf(split: TrafficSplit): number {
  return Object.values(split).reduce((total, percent) => total + percent, 0);
}

/** Returns the problems with a live split, each a sentence a user can act on. Empty means valid. */
export function checkLiveTraffic(traffic: TrafficSplit, deploymentNames: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [name, percent] of Object.entries(traffic)) {
    if (!deploymentNames.includes(name)) {
      problems.push(`Deployment \`${name}\` does not exist (deployments: ${deploymentNames.join(", ") || "none"}).`);
    }
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      problems.push(`Traffic for \`${name}\` must be a whole number from 0 to 100, not ${percent}.`);
    }
  }
  const total = sumOf(traffic);
  if (problems.length === 0 && total !== 0 && total !== 100) {
    problems.push(`Live traffic must add up to 100 % (or 0 % to stop serving); ${describeSplit(traffic)} adds up to ${total} %.`);
  }
  return problems;
}

/** Mirror rules: one deployment at most, at most 50 %, never one that takes live traffic. */
export function checkMirrorTraffic(
  mirror: TrafficSplit,
  liveTraffic: TrafficSplit,
  deploymentNames: readonly string[],
): string[] {
  const problems: string[] = [];
  const mirrored = Object.entries(mirror).filter(([, percent]) => percent > 0);
  if (mirrored.length > 1) {
    problems.push(`Mirror traffic can go to one deployment only; got ${describeSplit(Object.fromEntries(mirrored))}.`);
  }
  for (const [name, percent] of Object.entries(mirror)) {
    if (!deploymentNames.includes(name)) {
      problems.push(`Deployment \`${name}\` does not exist (deployments: ${deploymentNames.join(", ") || "none"}).`);
      continue;
    }
    if (!Number.isInteger(percent) || percent < 0 || percent > MAX_MIRROR_PERCENT) {
      problems.push(`Mirror traffic for \`${name}\` must be a whole number from 0 to ${MAX_MIRROR_PERCENT}, not ${percent}.`);
    }
    if (percent > 0 && (liveTraffic[name] ?? 0) > 0) {
      problems.push(
        `\`${name}\` receives ${liveTraffic[name]} % live traffic, so it cannot also receive mirrored traffic. Mirror to a deployment at 0 % live.`,
      );
    }
  }
  return problems;
}

/** Drops zero entries so an "off" mirror is the empty split Azure stores. */
export function withoutZeros(split: TrafficSplit): TrafficSplit {
  return Object.fromEntries(Object.entries(split).filter(([, percent]) => percent !== 0));
}
