/**
 * VM sizes that Azure ML accepts for managed online deployments, from the published "Managed online
 * endpoints SKU list" (MicrosoftDocs/azure-ai-docs, reference-managed-online-endpoints-vm-sku-list.md).
 * Matching is case-insensitive, as the docs list them in upper case while clients send `Standard_DS3_v2`.
 */
const SIZES = [
  "D2as_v4 D4as_v4 D8as_v4 D16as_v4 D32as_v4 D48as_v4 D64as_v4 D96as_v4",
  "D2a_v4 D4a_v4 D8a_v4 D16a_v4 D32a_v4 D48a_v4 D64a_v4 D96a_v4",
  "DS1_v2 DS2_v2 DS3_v2 DS4_v2 DS5_v2",
  "E2s_v3 E4s_v3 E8s_v3 E16s_v3 E32s_v3 E48s_v3 E64s_v3",
  "F2s_v2 F4s_v2 F8s_v2 F16s_v2 F32s_v2 F48s_v2 F64s_v2 F72s_v2",
  "FX4mds FX12mds FX24mds FX36mds FX48mds",
  "L8as_v3 L16as_v3 L32as_v3 L48as_v3 L64as_v3 L80as_v3",
  "L8s_v2 L16s_v2 L32s_v2 L48s_v2 L64s_v2 L80s_v2",
  "L8s_v3 L16s_v3 L32s_v3 L48s_v3 L64s_v3 L80s_v3",
  "NC24ads_A100_v4 NC48ads_A100_v4 NC96ads_A100_v4",
  "NC4as_T4_v3 NC8as_T4_v3 NC16as_T4_v3 NC64as_T4_v3",
  "NC6s_v2 NC12s_v2 NC24s_v2 NC6s_v3 NC12s_v3 NC24s_v3",
  "NC40ads_H100_v5 NC80adis_H100_v5",
  "ND96amsr_A100_v4 ND96asr_v4 ND40rs_v2 ND96is_H100_v5 ND96isr_H100_v5",
  "NV6ads_A10_v5 NV12ads_A10_v5 NV18ads_A10_v5 NV36ads_A10_v5 NV36adms_A10_v5 NV72ads_A10_v5",
]
  .join(" ")
  .split(" ")
  .map((size) => `Standard_${size}`);

const BY_LOWER_CASE = new Map(SIZES.map((size) => [size.toLowerCase(), size]));

export function isManagedInstanceType(instanceType: string): boolean {
  return BY_LOWER_CASE.has(instanceType.toLowerCase());
}

export const MANAGED_INSTANCE_TYPES: readonly string[] = SIZES;
