/**
 * Which Entra ID (AAD) groups a Teams user is in, so roles bound to `teams:<group-object-id>` work.
 *
 * Teams does not send group memberships with an activity (only the user's `aadObjectId`), so they have to be
 * asked for: Microsoft Graph `GET /users/{aadObjectId}/transitiveMemberOf/microsoft.graph.group?$select=id`,
 * with the application permission `GroupMember.Read.All` granted to the bot's managed identity. That client
 * belongs in src/ (it is an Azure call) and is handed to `createTeamsAdapter({ directory })`; until it is wired,
 * `NoGroupDirectory` answers "no groups", so only user bindings (`teams:<user-object-id>`) and the default role
 * apply. "No groups" can only deny, never grant.
 *
 * The contract mirrors the Slack usergroup directory: the ack path asks `cachedGroupsOf` and never waits (a
 * Graph-backed directory answers from its cache, or `undefined` when cold, and then a slow verb is queued anyway
 * and decided by the worker); the worker asks `groupsOf`, which may call Graph and must not throw (degrade to
 * "no groups" with a warning).
 */

export interface GroupDirectory {
  /** The user's groups from a fresh cache; `undefined` when the cache cannot decide. Never does I/O. */
  cachedGroupsOf(aadObjectId: string): readonly string[] | undefined;
  /** The user's groups, looked up if needed. Never throws. */
  groupsOf(aadObjectId: string, options?: { readonly abortSignal?: AbortSignal }): Promise<readonly string[]>;
  /** Starts a refresh without waiting for it (called when `cachedGroupsOf` could not decide). */
  warm?(aadObjectId: string): void;
}

const NO_GROUPS: readonly string[] = Object.freeze([]);

/** The default: Teams users are in no groups until a Graph-backed directory is wired. */
export class NoGroupDirectory implements GroupDirectory {
  cachedGroupsOf(): readonly string[] {
    return NO_GROUPS;
  }

  groupsOf(): Promise<readonly string[]> {
    return Promise.resolve(NO_GROUPS);
  }
}
