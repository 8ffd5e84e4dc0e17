/**
 * VM sizes that Azure ML accepts for managed online deployments, from the published "Managed online
 * endpoints SKU list" (MicrosoftDocs/azure-ai-docs, reference-managed-online-endpoints-vm-sku-list.md), with the
 * quota family, vCPUs, memory and GPUs of each (Azure's VM size pages; family names as the Machine Learning
 * `locations/{location}/vmSizes` API spells them, e.g. `standardDSv2Family`). Matching is case-insensitive, as
 * the docs list them in upper case while clients send `Standard_DS3_v2`.
 */
export interface VmSize {
  /** `Standard_DS3_v2`. */
  readonly name: string;
  /** The quota family, `standardDSv2Family`. */
  readonly family: string;
  readonly vCPUs: number;
  readonly memoryGB: number;
  readonly gpus: number;
}

/** `family: size:vCPUs:memoryGB[:gpus] ...` (sizes without the `Standard_` prefix). */
const TABLE = [
  "standardDASv4Family: D2as_v4:2:8 D4as_v4:4:16 D8as_v4:8:32 D16as_v4:16:64 D32as_v4:32:128 D48as_v4:48:192 D64as_v4:64:256 D96as_v4:96:384",
  "standardDAv4Family: D2a_v4:2:8 D4a_v4:4:16 D8a_v4:8:32 D16a_v4:16:64 D32a_v4:32:128 D48a_v4:48:192 D64a_v4:64:256 D96a_v4:96:384",
  "standardDSv2Family: DS1_v2:1:3.5 DS2_v2:2:7 DS3_v2:4:14 DS4_v2:8:28 DS5_v2:16:56",
  "standardESv3Family: E2s_v3:2:16 E4s_v3:4:32 E8s_v3:8:64 E16s_v3:16:128 E32s_v3:32:256 E48s_v3:48:384 E64s_v3:64:432",
  "standardFSv2Family: F2s_v2:2:4 F4s_v2:4:8 F8s_v2:8:16 F16s_v2:16:32 F32s_v2:32:64 F48s_v2:48:96 F64s_v2:64:128 F72s_v2:72:144",
  "standardFXMDVSFamily: FX4mds:4:84 FX12mds:12:252 FX24mds:24:504 FX36mds:36:756 FX48mds:48:1008",
  "standardLASv3Family: L8as_v3:8:64 L16as_v3:16:128 L32as_v3:32:256 L48as_v3:48:384 L64as_v3:64:512 L80as_v3:80:640",
  "standardLSv2Family: L8s_v2:8:64 L16s_v2:16:128 L32s_v2:32:256 L48s_v2:48:384 L64s_v2:64:512 L80s_v2:80:640",
  "standardLSv3Family: L8s_v3:8:64 L16s_v3:16:128 L32s_v3:32:256 L48s_v3:48:384 L64s_v3:64:512 L80s_v3:80:640",
  "standardNCADSA100v4Family: NC24ads_A100_v4:24:220:1 NC48ads_A100_v4:48:440:2 NC96ads_A100_v4:96:880:4",
  "standardNCASv3_T4Family: NC4as_T4_v3:4:28:1 NC8as_T4_v3:8:56:1 NC16as_T4_v3:16:110:1 NC64as_T4_v3:64:440:4",
  "standardNCSv2Family: NC6s_v2:6:112:1 NC12s_v2:12:224:2 NC24s_v2:24:448:4",
  "standardNCSv3Family: NC6s_v3:6:112:1 NC12s_v3:12:224:2 NC24s_v3:24:448:4",
  "standardNCadsH100v5Family: NC40ads_H100_v5:40:320:1 NC80adis_H100_v5:80:640:2",
  "standardNDAMSv4_A100Family: ND96amsr_A100_v4:96:1900:8",
  "standardNDASv4_A100Family: ND96asr_v4:96:900:8",
  "standardNDSv2Family: ND40rs_v2:40:672:8",
  "standardNDSH100v5Family: ND96is_H100_v5:96:1900:8 ND96isr_H100_v5:96:1900:8",
  "standardNVADSA10v5Family: NV6ads_A10_v5:6:55:1 NV12ads_A10_v5:12:110:1 NV18ads_A10_v5:18:220:1 NV36ads_A10_v5:36:440:1 NV36adms_A10_v5:36:880:1 NV72ads_A10_v5:72:880:2",
];

const SIZES: readonly VmSize[] = TABLE.flatMap((row) => {
  const [family, list] = row.split(": ") as [string, string];
  return list.split(" ").map((entry) => {
    const [size, vCPUs, memoryGB, gpus] = entry.split(":") as [string, string, string, string | undefined];
    return { name: `Standard_${size}`, family, vCPUs: Number(vCPUs), memoryGB: Number(memoryGB), gpus: Number(gpus ?? 0) };
  });
});

const BY_LOWER_CASE = new Map(SIZES.map((size) => [size.name.toLowerCase(), size]));

export function isManagedInstanceType(instanceType: string): boolean {
  return BY_LOWER_CASE.has(instanceType.toLowerCase());
}

/** The size, its family and cores; `undefined` for a size managed deployments do not take. */
export function vmSizeOf(instanceType: string): VmSize | undefined {
  return BY_LOWER_CASE.get(instanceType.toLowerCase());
}

export const MANAGED_INSTANCE_TYPES: readonly string[] = SIZES.map((size) => size.name);
export const MANAGED_VM_SIZES: readonly VmSize[] = SIZES;

/** Every quota family a managed size belongs to. */
export const VM_FAMILIES: readonly string[] = [...new Set(SIZES.map((size) => size.family))];

/** The family's canonical spelling, or `undefined` when no managed size belongs to it. */
export function canonicalFamily(family: string): string | undefined {
  return VM_FAMILIES.find((known) => known.toLowerCase() === family.toLowerCase());
}
