/**
 * botbuilder's CloudAdapter over neutral HTTP shapes, and the connector calls the worker needs.
 *
 * Why not `CloudAdapter.process(req, res, logic)`: it wants express-like objects, answers 500 with the error's
 * message as the body, and logs with `console.error`. `processActivityDirect` drops the invoke response. So a
 * small subclass exposes the two protected steps `process` runs (botbuilder 4.23.3, `cloudAdapter.js` and
 * `cloudAdapterBase.js`): `botFrameworkAuthentication.authenticateRequest(activity, authHeader)`, then
 * `processActivity(authenticateRequestResult, activity, logic)`, which runs the turn and returns the invoke
 * response the turn left (`invokeResponse` activity) or `undefined`. Authentication is a separate step, so a
 * refused request is a 401 before any of our code runs, and a failing turn is a 500 without details.
 *
 * Authentication (`ConfigurationBotFrameworkAuthentication`, as botbuilder's samples build it from app settings):
 * - `UserAssignedMSI` (Azure): `MicrosoftAppId` = the managed identity's client id, `MicrosoftAppTenantId`; inbound
 *   JWTs are validated against the Bot Framework's OpenID metadata (issuer, audience = app id, signature,
 *   endorsements); outbound tokens come from the managed identity (`ManagedIdentityServiceClientCredentialsFactory`).
 * - `SingleTenant` / `MultiTenant`: the same with a client secret (`MicrosoftAppPassword`).
 * - `anonymous` (local mode only, chosen by config): no app id and no password, which botbuilder treats as
 *   "authentication disabled" (`PasswordServiceClientCredentialFactory.isAuthenticationDisabled`): inbound requests
 *   are not checked and outbound calls carry no token. Only the local connector stand-in ever sees those calls.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsInfo,
  type Activity,
  type ConversationParameters,
  type ConversationReference,
  type InvokeResponse,
  type TurnContext,
} from "botbuilder";
import type { Logger } from "../../commands/ports/logger.port.js";
import { emptyResponse, jsonResponse, type RawHttpRequest, type RawHttpResponse } from "../http.js";
import type { TeamsConversationReference } from "./teams-activity.js";
import type { TeamsConnector } from "./teams-connector.js";
import { TeamsAuthenticationError, TeamsRequestBodyError } from "./teams-errors.js";
import type { CardMessage } from "./teams-messages.js";

/** The bot's identity, as configuration selects it (structurally the same as src/config's `TeamsAuthConfig`). */
export type TeamsBotAuth =
  | { readonly type: "anonymous" }
  | { readonly type: "UserAssignedMSI"; readonly appId: string; readonly tenantId: string }
  | { readonly type: "SingleTenant"; readonly appId: string; readonly tenantId: string; readonly password: string }
  | { readonly type: "MultiTenant"; readonly appId: string; readonly password: string };

/** Public-cloud audience of the Bot Framework channel service (outbound tokens are for it). */
export const BOT_FRAMEWORK_AUDIENCE = "https://api.botframework.com";

export function botFrameworkAuthentication(auth: TeamsBotAuth): ConfigurationBotFrameworkAuthentication {
  switch (auth.type) {
    case "anonymous":
      return new ConfigurationBotFrameworkAuthentication({});
    case "UserAssignedMSI":
      return new ConfigurationBotFrameworkAuthentication({ MicrosoftAppType: auth.type, MicrosoftAppId: auth.appId, MicrosoftAppTenantId: auth.tenantId });
    case "SingleTenant":
      return new ConfigurationBotFrameworkAuthentication({
        MicrosoftAppType: auth.type,
        MicrosoftAppId: auth.appId,
        MicrosoftAppTenantId: auth.tenantId,
        MicrosoftAppPassword: auth.password,
      });
    case "MultiTenant":
      return new ConfigurationBotFrameworkAuthentication({ MicrosoftAppType: auth.type, MicrosoftAppId: auth.appId, MicrosoftAppPassword: auth.password });
  }
}

type Authenticated = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication["authenticateRequest"]>>;
export type TurnLogic = (context: TurnContext) => Promise<void>;

/** CloudAdapter with its two protected steps made callable one after the other. */
export class RawHttpCloudAdapter extends CloudAdapter {
  authenticate(activity: Activity, authHeader: string): Promise<Authenticated> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
  }

  runTurn(authenticated: Authenticated, activity: Activity, logic: TurnLogic): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}

export interface BotFrameworkReceiverOptions {
  readonly auth: TeamsBotAuth;
  readonly logger: Logger;
  /**
   * Local mode: replies go here unless the activity's serviceUrl is on this machine (a local Teams client such as
   * the Agents Playground, or the stand-in itself). Activities are not authenticated in local mode, so a serviceUrl
   * anywhere else is never called: nothing reaches a real connector.
   */
  readonly serviceUrlOverride?: string;
}

/** `POST /api/teams/messages` over neutral shapes: authenticate, run the turn, write the invoke response. */
export class BotFrameworkReceiver {
  readonly adapter: RawHttpCloudAdapter;
  readonly #options: BotFrameworkReceiverOptions;

  constructor(options: BotFrameworkReceiverOptions) {
    this.#options = options;
    this.adapter = new RawHttpCloudAdapter(botFrameworkAuthentication(options.auth));
  }

  /** The app id proactive calls act as ("" when anonymous). */
  get botAppId(): string {
    return this.#options.auth.type === "anonymous" ? "" : this.#options.auth.appId;
  }

  async handle(req: RawHttpRequest, logic: TurnLogic): Promise<RawHttpResponse> {
    if (req.method.toUpperCase() !== "POST") return { status: 405, headers: { allow: "POST" }, body: "" };
    const { logger } = this.#options;
    let activity: Activity;
    try {
      activity = parseActivity(req.body);
    } catch (error) {
      logger.warn("teams request refused: not an activity", { error });
      return jsonResponse(400, { error: "The body is not a Bot Framework activity." });
    }
    let authenticated: Authenticated;
    try {
      authenticated = await this.adapter.authenticate(activity, req.headers["authorization"] ?? "");
    } catch (cause) {
      // Whatever failed (no token, forged, expired, wrong audience, keys unreachable), nothing of ours runs.
      const error = new TeamsAuthenticationError(`Bot Framework authentication failed: ${cause instanceof Error ? cause.message.split("\n", 1)[0] : String(cause)}`, { cause });
      logger.warn("teams request refused: not authenticated", { error, activityType: activity.type });
      return jsonResponse(401, { error: "Unauthorized" });
    }
    if (this.#options.serviceUrlOverride && !isLoopbackUrl(activity.serviceUrl)) activity.serviceUrl = this.#options.serviceUrlOverride;
    try {
      const invoke = await this.adapter.runTurn(authenticated, activity, logic);
      if (!invoke) return emptyResponse(200);
      return invoke.body === undefined ? emptyResponse(invoke.status) : jsonResponse(invoke.status, invoke.body);
    } catch (error) {
      logger.error("teams turn failed", { error, activityType: activity.type });
      return jsonResponse(500, { error: "The bot could not handle this activity." });
    }
  }
}

/** http(s) to localhost, 127.0.0.0/8 or [::1]: the machine itself, whatever the port. */
export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url || !URL.canParse(url)) return false;
  const { protocol, hostname } = new URL(url);
  if (protocol !== "http:" && protocol !== "https:") return false;
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function parseActivity(body: string): Activity {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new TeamsRequestBodyError("Body is not JSON", { cause: error });
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || typeof (value as { type?: unknown }).type !== "string") {
    throw new TeamsRequestBodyError("Body is not an activity (an object with a string `type`)");
  }
  return value as Activity;
}

/** The proactive side: `continueConversationAsync` for posts and updates, `createConversationAsync` for 1:1 chats. */
export class CloudAdapterConnector implements TeamsConnector {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
  ) {}

  async send(reference: TeamsConversationReference, message: CardMessage): Promise<string | undefined> {
    let id: string | undefined;
    await this.adapter.continueConversationAsync(this.botAppId, toBotbuilder(reference), async (context) => {
      // botbuilder gives its continuation activity a random id, and `sendActivity` replies to the turn's activity:
      // without this, every post would be a reply to a message that does not exist. The reference says which
      // message to reply under (its thread), or none for a new message in the conversation.
      context.activity.id = reference.activityId;
      id = (await context.sendActivity(outgoing(message)))?.id;
    });
    return id;
  }

  async update(reference: TeamsConversationReference, activityId: string, message: CardMessage): Promise<void> {
    await this.adapter.continueConversationAsync(this.botAppId, toBotbuilder(reference), async (context) => {
      await context.updateActivity({ ...outgoing(message), id: activityId });
    });
  }

  async sendToUser(reference: TeamsConversationReference, message: CardMessage): Promise<TeamsConversationReference> {
    const user = reference.user;
    if (!user) throw new Error("sendToUser: the reference names no user");
    const tenantId = reference.conversation.tenantId;
    const parameters = {
      isGroup: false,
      bot: { id: reference.bot.id, name: reference.bot.name ?? "" },
      members: [{ id: user.id, name: user.name ?? "" }],
      ...(tenantId ? { tenantId, channelData: { tenant: { id: tenantId } } } : {}),
    } as ConversationParameters;
    let personal: TeamsConversationReference | undefined;
    await this.adapter.createConversationAsync(this.botAppId, reference.channelId, reference.serviceUrl, BOT_FRAMEWORK_AUDIENCE, parameters, async (context) => {
      personal = {
        channelId: reference.channelId,
        serviceUrl: reference.serviceUrl,
        conversation: { id: context.activity.conversation.id, conversationType: "personal", isGroup: false, ...(tenantId ? { tenantId } : {}) },
        bot: reference.bot,
        user,
      };
      await context.sendActivity(outgoing(message));
    });
    if (!personal) throw new Error("sendToUser: the connector created no conversation");
    return personal;
  }

  async memberName(reference: TeamsConversationReference, userId: string): Promise<string | undefined> {
    let name: string | undefined;
    await this.adapter.continueConversationAsync(this.botAppId, toBotbuilder(reference), async (context) => {
      try {
        name = (await TeamsInfo.getMember(context, userId)).name || undefined;
      } catch (error) {
        if (statusCodeOf(error) !== 404) throw error;
      }
    });
    return name;
  }
}

function statusCodeOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

function outgoing(message: CardMessage): Partial<Activity> {
  return { type: message.type, summary: message.summary, attachments: message.attachments.map((a) => ({ contentType: a.contentType, content: a.content })) };
}

function toBotbuilder(reference: TeamsConversationReference): Partial<ConversationReference> {
  // The JSON of a reference is what botbuilder stores and reads back; only its TypeScript type is stricter.
  return reference as unknown as Partial<ConversationReference>;
}
