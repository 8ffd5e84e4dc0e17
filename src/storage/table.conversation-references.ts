/**
 * What the Teams adapter remembers (`TeamsConversationStore`), in one Azure Table:
 * - `conversation:<id>` / `reference`: a conversation's reference (JSON), saved on install and first message;
 * - `user:<aadObjectId>` / `personal`: the reference of that user's 1:1 chat with the bot;
 * - `conversation:<channel>` / `card:<activityId>`: the Reply behind a card with buttons the bot posted.
 * Keys are encoded with `encodeKey` (Teams ids hold `:`, `;`, `@`, and sometimes characters Tables forbids).
 * Values are validated when read back: a row that does not parse is treated as absent.
 */
import type { TableClient } from "@azure/data-tables";
import * as z from "zod";
import { channelKeyOf, conversationReferenceSchema, type TeamsConversationReference } from "../../adapters/teams/teams-activity.js";
import type { TeamsConversationStore } from "../../adapters/teams/conversation-store.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { Reply } from "../../commands/reply.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

/** A Table string property holds at most 32 K UTF-16 code units. */
const MAX_JSON_CHARS = 32_000;

const replySchema = z.looseObject({
  sections: z.array(z.looseObject({ kind: z.string() })),
  summary: z.string(),
  visibility: z.enum(["requester", "channel"]),
  mode: z.enum(["new", "replace"]),
});

interface Row {
  /** The original id, for people reading the table. */
  id: string;
  /** JSON of the reference or the Reply. */
  json: string;
  savedAt: Date;
}

export class TableConversationReferences implements TeamsConversationStore {
  readonly #table: TableClient;
  readonly #now: () => Date;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient, options: { readonly clock?: { now(): Date } } = {}) {
    this.#table = table;
    this.#now = options.clock ? () => options.clock!.now() : () => new Date();
  }

  async saveReference(reference: TeamsConversationReference, options: OperationOptions = {}): Promise<void> {
    const checked = conversationReferenceSchema.parse(reference);
    await this.#put(conversationKey(checked.conversation.id), "reference", checked.conversation.id, checked, options);
    const channelKey = channelKeyOf(checked.conversation.id);
    if (channelKey !== checked.conversation.id) {
      // A channel thread (`…;messageid=<root>`): also keep the channel's own reference, which proactive posts
      // (scheduled digests, alerts) need and which install events alone may not have left in the table.
      const { activityId: _thread, ...channel } = checked;
      await this.#put(conversationKey(channelKey), "reference", channelKey, { ...channel, conversation: { ...checked.conversation, id: channelKey } }, options);
    }
    const aad = checked.user?.aadObjectId;
    if (checked.conversation.conversationType === "personal" && aad) {
      // The 1:1 chat is not threaded under any message.
      const { activityId: _activityId, ...personal } = checked;
      await this.#put(`user:${encodeKey(aad)}`, "personal", aad, personal, options);
    }
  }

  async getReference(conversationId: string, options: OperationOptions = {}): Promise<TeamsConversationReference | undefined> {
    return this.#get(conversationKey(conversationId), "reference", conversationReferenceSchema, options);
  }

  async getPersonalReference(aadObjectId: string, options: OperationOptions = {}): Promise<TeamsConversationReference | undefined> {
    return this.#get(`user:${encodeKey(aadObjectId)}`, "personal", conversationReferenceSchema, options);
  }

  async saveCard(channelKey: string, activityId: string, reply: Reply, options: OperationOptions = {}): Promise<void> {
    await this.#put(conversationKey(channelKey), cardKey(activityId), activityId, reply, options);
  }

  async getCard(channelKey: string, activityId: string, options: OperationOptions = {}): Promise<Reply | undefined> {
    const found = await this.#get(conversationKey(channelKey), cardKey(activityId), replySchema, options);
    return found as Reply | undefined;
  }

  async #put(partitionKey: string, rowKey: string, id: string, value: unknown, options: OperationOptions): Promise<void> {
    const json = JSON.stringify(value);
    if (json.length > MAX_JSON_CHARS) throw new RangeError(`Not saved: ${json.length} characters of JSON, a table property holds ${MAX_JSON_CHARS}`);
    const entity = { partitionKey, rowKey, id, json, savedAt: this.#now() };
    await guard(`write to table "${this.#table.tableName}"`, () => this.#table.upsertEntity<Row>(entity, "Replace", { abortSignal: options.abortSignal }));
  }

  async #get<T>(partitionKey: string, rowKey: string, schema: z.ZodType<T>, options: OperationOptions): Promise<T | undefined> {
    let entity: Record<string, unknown>;
    try {
      entity = await this.#table.getEntity<Record<string, unknown>>(partitionKey, rowKey, { abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return undefined;
      throw infrastructureError(`read from table "${this.#table.tableName}"`, error);
    }
    try {
      const parsed = schema.safeParse(JSON.parse(String(entity["json"])));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}

function conversationKey(conversationId: string): string {
  return `conversation:${encodeKey(conversationId)}`;
}

function cardKey(activityId: string): string {
  return `card:${encodeKey(activityId)}`;
}
