/**
 * A client of the Slack page's server for tests: its server-sent events read as the browser's EventSource reads
 * them (`event:` and `data:` lines, a blank line ends one), and its JSON routes posted as the page's script does.
 */

export interface PageEvent {
  readonly event: string;
  readonly data: unknown;
}

export interface EventStream {
  /** The first event not returned before that is `event` and matches; waits for it up to `timeoutInMs`. */
  next(event: string, matches?: (data: Record<string, unknown>) => boolean, timeoutInMs?: number): Promise<PageEvent>;
  /** Every event received so far. */
  seen(): readonly PageEvent[];
  close(): void;
}

export async function openEvents(pageUrl: string, user: string): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(`${pageUrl}api/events?user=${encodeURIComponent(user)}`, { signal: abort.signal });
  if (res.status !== 200 || !res.headers.get("content-type")?.startsWith("text/event-stream")) throw new Error(`api/events answered ${res.status}`);
  const events: PageEvent[] = [];
  const taken = new Set<PageEvent>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // Closed by the test.
    }
  })();
  return {
    async next(event, matches = () => true, timeoutInMs = 5_000) {
      const deadline = Date.now() + timeoutInMs;
      for (;;) {
        const found = events.find((e) => !taken.has(e) && e.event === event && matches(e.data as Record<string, unknown>));
        if (found) {
          taken.add(found);
          return found;
        }
        if (Date.now() > deadline) throw new Error(`no '${event}' event matched within ${timeoutInMs} ms (${events.length} received)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    seen: () => events,
    close: () => abort.abort(),
  };
}

export async function postJson(pageUrl: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${pageUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
