/**
 * Teams' part of the one chat job (`../chat-job.ts`): its address, what the worker needs to answer proactively
 * (the conversation reference, the kind of conversation, and the message to update). Ids come from `teamsJobId`
 * (conversation + activity id), so a redelivered activity yields the same job id and the job ledger runs it once.
 */
import * as z from "zod";
import { chatJobReader, type ChatJob } from "../chat-job.js";
import { conversationReferenceSchema } from "./teams-activity.js";

export const teamsAddressSchema = z.strictObject({
  reference: conversationReferenceSchema,
  scope: z.enum(["personal", "groupChat", "channel"]),
  /** A command's "⏳ …" card, posted by the bridge: the worker updates it with progress and the result. */
  ackActivityId: z.string().min(1).max(256).optional(),
  /** A button's card (`replyToId` of the invoke): updated with the result. */
  cardActivityId: z.string().min(1).max(256).optional(),
  /** How a button was pressed: `invoke` (Action.Execute) or `submit` (the Action.Submit fallback of older clients). */
  via: z.enum(["invoke", "submit"]).optional(),
});

export type TeamsAddress = z.infer<typeof teamsAddressSchema>;
export type TeamsJob = ChatJob<TeamsAddress>;

/** Validates a job taken from the queue. Throws `InvalidJobError`: such a job can never succeed. */
export const parseTeamsJob = chatJobReader("teams", teamsAddressSchema);
