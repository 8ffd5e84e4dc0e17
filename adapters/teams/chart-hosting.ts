/**
 * Teams shows a chart by URL: a card carrying the PNG as a `data:` URL outgrows the ~28 KB Teams message limit
 * (the connector answers 413). Before a card with a drawn chart is sent, each picture is published through the
 * host's `ChartImageHost` (src/: the chart store behind `GET /api/charts/{id}`) and the chart gets `image.url`,
 * which the renderer prefers. Publishing is best effort: on failure (or no host) the Reply is left as it is and
 * today's fallbacks apply (a small chart inline, else sparklines).
 */
import type { Logger } from "../../commands/ports/logger.port.js";
import type { Reply, Section } from "../../commands/reply.js";

export interface ChartImageHost {
  /** Resolves with a public https URL serving `png`, or undefined when it cannot be hosted (then nothing changes). */
  publish(png: Buffer | Uint8Array, mimeType: string): Promise<string | undefined>;
}

/** `reply` with every drawn, not yet hosted chart given a hosted url where publishing succeeds. Never throws. */
export async function hostChartImages(reply: Reply, host: ChartImageHost | undefined, logger: Logger): Promise<Reply> {
  if (!host || !reply.sections.some(needsHosting)) return reply;
  const sections = await Promise.all(
    reply.sections.map(async (section): Promise<Section> => {
      if (section.kind !== "chart" || !needsHosting(section)) return section;
      const image = section.image!;
      try {
        const url = await host.publish(Buffer.from(image.base64, "base64"), image.mimeType);
        return url === undefined ? section : { ...section, image: { ...image, url } };
      } catch (error) {
        logger.warn("chart image not hosted; the card falls back to an inline picture or sparklines", { error });
        return section;
      }
    }),
  );
  return { ...reply, sections };
}

function needsHosting(section: Section): boolean {
  return section.kind === "chart" && section.image !== undefined && section.image.url === undefined;
}
