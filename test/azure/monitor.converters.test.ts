/**
 * The metrics converter against the published `metrics:getBatch` example (read as published from
 * ../shared/fixtures) and against the SDK's own result shape, without a network.
 */
import type { MetricsQueryResult } from "@azure/monitor-query-metrics";
import { describe, expect, it } from "vitest";
import { fromSdkResults, metricNameOf, parseWireBatch, parseWireResource } from "../../src/azure/monitor.converters.js";
import { readSharedFixture } from "../helpers/shared-fixtures.js";

const example = JSON.parse(readSharedFixture("azure/monitor-metrics-batch-2024-02-01.MetricBatchExample2.json")) as {
  parameters: { batchRequest: { resourceids: string[] } };
  responses: { "200": { body: unknown } };
};

describe("monitor converters", () => {
  it("accepts the published batch response as it is", () => {
    const data = parseWireBatch(example.responses["200"].body);
    expect(data.map((d) => d.resourceId)).toEqual(example.parameters.batchRequest.resourceids);
    expect(data[0]).toEqual({
      resourceId: example.parameters.batchRequest.resourceids[0],
      region: "westus2",
      metrics: [
        {
          // The invariant name, not the localized "Cache Write".
          name: "cacheWrite",
          unit: "BytesPerSecond",
          series: [{ dimensions: {}, points: [{ time: Date.parse("2023-11-07T14:00:00Z"), average: 35513.760416666664 }] }],
        },
      ],
    });
  });

  it("takes the invariant metric name from the id, since the SDK hands out the localized one", () => {
    const sdk = [
      {
        resourceId: "/subscriptions/s/resourceGroups/r/providers/P/t/x",
        resourceRegion: "westeurope",
        granularity: "PT1M",
        timespan: { startTime: new Date(0), endTime: new Date(60_000) },
        metrics: [
          {
            id: "/subscriptions/s/resourceGroups/r/providers/P/t/x/providers/Microsoft.Insights/metrics/RequestLatency_P99",
            type: "Microsoft.Insights/metrics",
            name: "Request Latency P99",
            unit: "MilliSeconds",
            errorCode: "Success",
            timeseries: [{ metadatavalues: [{ name: "Deployment", value: "blue" }], data: [{ timeStamp: new Date(0), average: 12 }] }],
          },
          { id: "/x/providers/Microsoft.Insights/metrics/Cpu", type: "t", name: "CPU", unit: "Percent", errorCode: "Throttled", errorMessage: "slow down", timeseries: [] },
        ],
        getMetricByName: () => undefined,
      },
    ] as unknown as MetricsQueryResult[];
    const [data] = fromSdkResults(sdk);
    expect(data!.metrics[0]).toEqual({
      name: "RequestLatency_P99",
      unit: "MilliSeconds",
      series: [{ dimensions: { deployment: "blue" }, points: [{ time: 0, average: 12 }] }],
    });
    expect(data!.metrics[1]!.error).toEqual({ code: "Throttled", message: "slow down" });
  });

  it("reads an ARM single-resource response, which does not name its resource", () => {
    const item = (example.responses["200"].body as { values: Record<string, unknown>[] }).values[1]!;
    const { resourceid: _dropped, ...single } = item;
    expect(parseWireResource(single, "/given/id").resourceId).toBe("/given/id");
  });

  it("refuses a body that is not a metrics response", () => {
    expect(() => parseWireBatch({ value: [] })).toThrow();
    expect(metricNameOf(undefined, "fallback")).toBe("fallback");
  });
});
