/**
 * The quota plane: ARM's `GET /subscriptions/{id}/providers/Microsoft.MachineLearningServices/locations/{location}/usages`
 * (vCPUs used and allowed per VM family, paged) and `.../locations/{location}/vmSizes` (each size's family, vCPUs,
 * memory and GPUs), shaped as the 2024-10-01 swagger examples (Usage/list.json, VirtualMachineSize/list.json);
 * and the control surface `GET|POST /__emulator/quota` that sets limits and external usage.
 */
import { z } from "zod";
import { armErrors } from "./arm-errors.js";
import { LOCATION_PATTERN } from "./arm-ids.js";
import { json, type HttpResult } from "./http-kit.js";
import { MANAGED_VM_SIZES } from "./managed-skus.js";
import { paginate, requestedPageSize } from "./paging.js";
import type { QuotaBook } from "./quota.js";
import type { Route, RouteContext } from "./router.js";
import type { EmulatorServices } from "./services.js";

const quotaBody = z.strictObject({
  limits: z.record(z.string(), z.number().int().min(0)).optional(),
  externalUsage: z.record(z.string(), z.number().int().min(0)).optional(),
  /** Back to the scenario's quota first. */
  reset: z.boolean().optional(),
  /** The region `GET`/`POST` answer for (default: the first workspace's). */
  location: z.string().optional(),
});

export function quotaRoutes(services: EmulatorServices, quota: QuotaBook): Route[] {
  function usages(ctx: RouteContext): HttpResult {
    const subscriptionId = ctx.params["subscriptionId"] ?? "";
    services.state.requireSubscription(subscriptionId);
    const location = ctx.params["location"] ?? "";
    const items = quota.usage(location).map((usage) => ({
      id: `/subscriptions/${subscriptionId}/usages/${usage.displayName.replace(/\s+/g, "_")}`,
      amlWorkspaceLocation: location,
      type: "Microsoft.MachineLearningServices/vmFamily/usages",
      currentValue: usage.used,
      limit: usage.limit,
      name: { value: usage.family, localizedValue: usage.displayName },
      unit: "Count",
    }));
    const page = paginate(items, ctx, requestedPageSize(ctx, "$top", services.state.limits.listPageSize));
    return json(200, page);
  }

  function vmSizes(ctx: RouteContext): HttpResult {
    services.state.requireSubscription(ctx.params["subscriptionId"] ?? "");
    return json(200, {
      value: MANAGED_VM_SIZES.map((size) => ({
        name: size.name,
        family: size.family,
        vCPUs: size.vCPUs,
        gpus: size.gpus,
        osVhdSizeMB: 1047552,
        maxResourceVolumeMB: Math.round(size.memoryGB * 2048),
        memoryGB: size.memoryGB,
        lowPriorityCapable: size.gpus === 0,
        premiumIO: true,
        supportedComputeTypes: ["AmlCompute", "ComputeInstance", "MIR"],
      })),
    });
  }

  const defaultLocation = (): string => services.state.workspaces[0]?.location ?? "";

  function snapshot(location: string): HttpResult {
    return json(200, { location, families: quota.usage(location) });
  }

  async function post(ctx: RouteContext): Promise<HttpResult> {
    const parsed = quotaBody.safeParse((await ctx.jsonBody()) ?? {});
    if (!parsed.success) {
      throw armErrors.badArgument(`Invalid quota request: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`);
    }
    const body = parsed.data;
    try {
      if (body.reset === true) quota.reset();
      for (const [family, limit] of Object.entries(body.limits ?? {})) quota.setLimit(family, limit);
      for (const [family, used] of Object.entries(body.externalUsage ?? {})) quota.setExternalUsage(family, used);
    } catch (error) {
      throw armErrors.badArgument(`Invalid quota request: ${(error as Error).message}`);
    }
    return snapshot(body.location ?? defaultLocation());
  }

  return [
    { name: "quota.usages", methods: ["GET"], pattern: `${LOCATION_PATTERN}/usages`, access: "arm", handle: usages },
    { name: "quota.vmSizes", methods: ["GET"], pattern: `${LOCATION_PATTERN}/vmSizes`, access: "arm", handle: vmSizes },
    {
      name: "control.quota.get",
      methods: ["GET"],
      pattern: "/__emulator/quota",
      access: "public",
      handle: (ctx) => snapshot(ctx.query.get("location") ?? defaultLocation()),
    },
    { name: "control.quota.post", methods: ["POST"], pattern: "/__emulator/quota", access: "public", handle: post },
  ];
}
