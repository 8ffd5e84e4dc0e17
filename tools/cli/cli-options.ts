import { LOCAL_USERS } from "../../src/config/local-defaults.js";

/** Takes `--name value` out of a command line's words (the rest is the chat command), or gives the fallback. */
export function takeOption(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 ? (args.splice(at, 2)[1] ?? fallback) : fallback;
}

/**
 * A user id for a local CLI: a role name (`admin`, `operator`, `approver`, `viewer`) picks that role's named user in the
 * embedded local config; anything else is taken as an id. Users the config does not name are viewers.
 */
export function localUserId(value: string, platform: keyof LocalUser): string {
  return value in LOCAL_USERS ? LOCAL_USERS[value as keyof typeof LOCAL_USERS][platform] : value;
}

type LocalUser = (typeof LOCAL_USERS)[keyof typeof LOCAL_USERS];
