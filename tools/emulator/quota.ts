/**
 * Compute quota as Azure ML counts it for managed online deployments: vCPUs per VM family, per subscription and
 * region. A deployment of N instances holds ceil(1.2 × N) × the size's vCPUs, because AML keeps 20 % in reserve
 * for upgrades ("if you request 10 instances in a deployment, you must have a quota for 12", Microsoft's *Manage
 * and increase quotas*); so one Standard_DS3_v2 (4 cores) needs 8, as in the service's own message "Not enough
 * quota available for Standard_DS3_v2 in SubscriptionId …. Current usage/limit: 0/6. Additional needed: 8".
 *
 * Usage is computed from the deployments that exist (any state), plus what the scenario says other workloads use.
 * Limits come from the scenario and can be changed at run time (`emulator.quota`, `POST /__emulator/quota`).
 */
import { ArmError } from "./arm-errors.js";
import { canonicalFamily, vmSizeOf, VM_FAMILIES, type VmSize } from "./managed-skus.js";
import type { EmulatorScenario } from "./scenario.js";
import { normalizeLocation, type DeploymentRecord, type EmulatorState } from "./state.js";

export const DEFAULT_FAMILY_LIMIT = 400;
const TROUBLESHOOTING = "https://aka.ms/oe-tsg#error-outofquota";

export interface FamilyUsage {
  readonly family: string;
  /** "Standard DSv2 Family Cluster Dedicated vCPUs", as the usages API names it. */
  readonly displayName: string;
  readonly limit: number;
  readonly used: number;
}

/** Run-time control of the quota (`emulator.quota`). */
export interface QuotaControl {
  /** vCPUs the family may use in every region of the subscription. */
  setLimit(family: string, limit: number): void;
  /** vCPUs the family already uses for something other than the emulator's deployments. */
  setExternalUsage(family: string, vCPUs: number): void;
  /** Every family's limit and usage in a region. */
  usage(location: string): FamilyUsage[];
}

/** ceil(1.2 × instances) × vCPUs, in integers (1.2 × 5 is not 6 in floating point). */
export function reservedCores(size: VmSize, instances: number): number {
  return Math.ceil((instances * 12) / 10) * size.vCPUs;
}

/** `standardDSv2Family` → "Standard DSv2 Family Cluster Dedicated vCPUs". */
export function familyDisplayName(family: string): string {
  const core = family.replace(/^standard/, "").replace(/Family$/, "");
  return `Standard ${core} Family Cluster Dedicated vCPUs`;
}

export class QuotaBook implements QuotaControl {
  private limits = new Map<string, number>();
  private external = new Map<string, number>();

  constructor(
    private readonly scenario: EmulatorScenario["quota"],
    private readonly state: EmulatorState,
  ) {
    this.reset();
  }

  /** Back to the scenario's limits and external usage. */
  reset(): void {
    this.limits = keyed(this.scenario?.limits);
    this.external = keyed(this.scenario?.externalUsage);
  }

  setLimit(family: string, limit: number): void {
    this.limits.set(requireFamily(family).toLowerCase(), requireCount(limit, "limit"));
  }

  setExternalUsage(family: string, vCPUs: number): void {
    this.external.set(requireFamily(family).toLowerCase(), requireCount(vCPUs, "external usage"));
  }

  usage(location: string): FamilyUsage[] {
    return VM_FAMILIES.map((family) => ({ family, displayName: familyDisplayName(family), limit: this.limitOf(family), used: this.usedBy(location, family) }));
  }

  limitOf(family: string): number {
    return this.limits.get(family.toLowerCase()) ?? this.scenario?.defaultLimit ?? DEFAULT_FAMILY_LIMIT;
  }

  /** vCPUs of `family` held in `location`: every deployment there, plus external usage. */
  usedBy(location: string, family: string): number {
    let used = this.external.get(family.toLowerCase()) ?? 0;
    for (const ws of this.state.workspaces) {
      if (normalizeLocation(ws.location) !== normalizeLocation(location)) continue;
      for (const endpoint of ws.endpoints.values()) {
        for (const deployment of endpoint.deployments.values()) {
          const size = vmSizeOf(deployment.spec.properties.instanceType);
          if (size?.family === family) used += reservedCores(size, deployment.spec.sku.capacity);
        }
      }
    }
    return used;
  }

  /**
   * Refuses, as AML does, a deployment (new, or `replacing` an existing one) whose instances do not fit in what
   * is left of its family's quota. Only what comes on top of the replaced deployment's own share counts.
   */
  assertFits(subscriptionId: string, location: string, instanceType: string, instances: number, replacing?: DeploymentRecord): void {
    const size = vmSizeOf(instanceType);
    if (size === undefined) return;
    const before = replacing === undefined ? undefined : vmSizeOf(replacing.spec.properties.instanceType);
    const held = replacing !== undefined && before?.family === size.family ? reservedCores(before, replacing.spec.sku.capacity) : 0;
    const additional = reservedCores(size, instances) - held;
    if (additional <= 0) return;
    const used = this.usedBy(location, size.family);
    const limit = this.limitOf(size.family);
    if (used + additional <= limit) return;
    const reserved = Math.ceil((instances * 12) / 10);
    throw new ArmError(
      400,
      "OutOfQuota",
      `Not enough quota available for ${size.name} in SubscriptionId ${subscriptionId}. Current usage/limit: ${used}/${limit}. ` +
        `Additional needed: ${additional} (${size.family} vCPUs in ${location}: ${instances} instance${instances === 1 ? "" : "s"} of ${size.vCPUs} cores, ` +
        `${reserved} with the 20 % Azure ML reserves for upgrades; ${Math.max(0, limit - used)} left). ` +
        `Please see troubleshooting guide, available here: ${TROUBLESHOOTING}`,
      { target: "sku.capacity" },
    );
  }
}

function keyed(map: Record<string, number> | undefined): Map<string, number> {
  return new Map(Object.entries(map ?? {}).map(([family, value]) => [family.toLowerCase(), value]));
}

function requireFamily(family: string): string {
  const known = canonicalFamily(family);
  if (known === undefined) throw new RangeError(`Unknown VM family '${family}'. Known families: ${VM_FAMILIES.join(", ")}.`);
  return known;
}

function requireCount(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`The ${what} must be a whole number of vCPUs, got ${value}.`);
  return value;
}
