/**
 * The one queued chat job, whatever the platform: a neutral envelope (the platform, who asked, in which of the
 * core's channels, what they asked) and an `address` saying where the platform sends progress and the result.
 * Each platform supplies the schema of its own address (Slack: the interaction's response_url; Teams: the
 * conversation reference and the card to update); this module knows none of them, so the composition root reads a
 * job's platform, and picks the adapter that runs it, without loading any platform's code.
 *
 * A job is validated on both sides of the queue: the bridge checks it as the worker will before queuing it
 * (`handOff`), and the worker refuses one that does not pass with `InvalidJobError` (it can never succeed). The
 * message names field paths only: values may hold a credential (a response_url).
 */
import * as z from "zod";
import { InvalidJobError } from "../commands/errors.js";
import { MAX_BUTTON_INPUT_CHARS } from "./chat-buttons.js";
import { MAX_COMMAND_TEXT_CHARS, type CoreRequest, type QueuedJob } from "./jobs.js";

/** The kind of every chat job on the queue: the platform is in the payload. */
export const CHAT_JOB_KIND = "chat";

export const CHAT_PLATFORMS = ["slack", "teams"] as const;
export type ChatPlatform = (typeof CHAT_PLATFORMS)[number];

/**
 * What the core is asked: a typed command, or a button press (its verb, the pending change it acts on, and what was
 * typed in the button's box, trimmed: `typedInput`).
 */
const requestSchema: z.ZodType<CoreRequest> = z.union([
  // As long as the platform sends it: the bridge answers a command too long to queue itself (`commandTooLongReply`).
  z.strictObject({ text: z.string().max(MAX_COMMAND_TEXT_CHARS) }),
  z.strictObject({ verb: z.string().min(1).max(255), payloadId: z.string().min(1).max(2000), input: z.string().min(1).max(MAX_BUTTON_INPUT_CHARS).optional() }),
]);

const envelopeFields = {
  v: z.literal(1),
  platform: z.enum(CHAT_PLATFORMS),
  correlationId: z.string().min(1).max(100),
  /** The platform's user id (Slack `U…`, Teams AAD object id) and the name the platform showed. */
  actor: z.strictObject({ userId: z.string().min(1).max(256), displayName: z.string().max(256).optional() }),
  /** The core's channel id: Slack's channel id, Teams' conversation id without its thread suffix. */
  channelId: z.string().min(1).max(1024),
  request: requestSchema,
};

/** The envelope alone: the address is the platform's to read. */
const envelopeSchema = z.strictObject({ ...envelopeFields, address: z.unknown() });

export type ChatJobPayload<A = unknown> = Omit<z.infer<typeof envelopeSchema>, "address"> & { readonly address: A };

export interface ChatJob<A = unknown> extends QueuedJob {
  readonly kind: typeof CHAT_JOB_KIND;
  readonly payload: ChatJobPayload<A>;
}

/**
 * Where a bridge puts work for later. src/ implements it over the Azure Storage queue (adding `enqueuedAt`); it
 * must resolve once the job is durably queued and reject otherwise.
 */
export interface ChatJobSink {
  enqueue(job: ChatJob): Promise<void>;
}

/** A chat job of the current version. `id` must be the same for every delivery of one interaction. */
export function chatJob<A>(id: string, payload: Omit<ChatJobPayload<A>, "v">): ChatJob<A> {
  return { id, kind: CHAT_JOB_KIND, payload: { v: 1, ...payload } };
}

/** Reads the envelope of a job taken from the queue, its address left unread. Throws `InvalidJobError`. */
export function parseChatJob(job: QueuedJob): ChatJob {
  return parseWith(job, envelopeSchema, undefined);
}

/** A platform's reader of its own jobs: the envelope naming that platform, and an address `address` accepts. */
export function chatJobReader<A>(platform: ChatPlatform, address: z.ZodType<A>): (job: QueuedJob) => ChatJob<A> {
  const schema = z.strictObject({ ...envelopeFields, platform: z.literal(platform), address });
  return (job) => parseWith(job, schema, platform);
}

function parseWith<A>(job: QueuedJob, schema: z.ZodType<ChatJobPayload<A>>, platform: ChatPlatform | undefined): ChatJob<A> {
  const what = platform ? `a ${platform} chat job` : "a chat job";
  if (job.kind !== CHAT_JOB_KIND) throw new InvalidJobError(`Job ${job.id} is not ${what}: its kind is not "${CHAT_JOB_KIND}"`);
  const parsed = schema.safeParse(job.payload);
  if (!parsed.success) throw new InvalidJobError(`Job ${job.id} is not ${what}: invalid ${fieldPaths(parsed.error)}`, { cause: parsed.error });
  return { id: job.id, kind: CHAT_JOB_KIND, payload: parsed.data };
}

/** The paths of the fields that failed, never their values; a field that should not be there, by its name. */
function fieldPaths(error: z.ZodError): string {
  const paths = error.issues.flatMap((issue) => (issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key]) : [issue.path]));
  return [...new Set(paths.map((path) => path.join(".") || "(root)"))].join(", ");
}
