/**
 * The slice of Microsoft Graph the bot uses: a user's group memberships, so roles bound to Entra ID groups
 * work for Teams users. `GET /v1.0/users/{id}/transitiveMemberOf/microsoft.graph.group?$select=id` answers with
 * Graph's collection shape and `@odata.nextLink` paging. Tokens must be for `https://graph.microsoft.com`.
 */
import { ArmError } from "./arm-errors.js";
import { headerValue, json } from "./http-kit.js";
import type { Route } from "./router.js";
import type { TokenIssuer } from "./token-issuer.js";

export const GRAPH_AUDIENCE = "https://graph.microsoft.com";
const PAGE_SIZE = 2;

export function graphRoutes(options: { issuer: TokenIssuer; memberships: () => Readonly<Record<string, readonly string[]>> }): Route[] {
  return [
    {
      name: "graph.transitiveMemberOf.groups",
      methods: ["GET"],
      pattern: "/v1.0/users/{userId}/transitiveMemberOf/microsoft.graph.group",
      access: "public",
      handle(ctx) {
        const token = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(ctx.req, "authorization") ?? "")?.[1];
        const check = token === undefined ? undefined : options.issuer.checkToken(token, [GRAPH_AUDIENCE]);
        if (!check?.ok) throw new ArmError(401, "InvalidAuthenticationToken", "Access token is empty or invalid for Microsoft Graph.");
        const userId = ctx.params["userId"]!.toLowerCase();
        const groups = options.memberships()[userId];
        if (groups === undefined) throw new ArmError(404, "Request_ResourceNotFound", `Resource '${userId}' does not exist or one of its queried reference-property objects are not present.`);
        const skip = Number(ctx.query.get("$skiptoken") ?? 0);
        const page = groups.slice(skip, skip + PAGE_SIZE);
        const next = skip + PAGE_SIZE < groups.length ? `${ctx.baseUrl}${ctx.path}?$select=id&$skiptoken=${skip + PAGE_SIZE}` : undefined;
        return json(200, {
          "@odata.context": `${ctx.baseUrl}/v1.0/$metadata#groups(id)`,
          value: page.map((id) => ({ "@odata.type": "#microsoft.graph.group", id })),
          ...(next ? { "@odata.nextLink": next } : {}),
        });
      },
    },
  ];
}
