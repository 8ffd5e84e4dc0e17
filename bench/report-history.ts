/**
 * The part of docs/benchmarks.md that a run cannot measure: what each cold-start change did, measured apart from
 * the bench (each needs its own build), and what is left. Written by hand, dated; the rest of the file is this run's.
 */
export const COLD_START_HISTORY = `## What the last cold-start changes did

Measured apart from this bench, because each change needs its own build: the bundled bot built each way, in the
worker stand-in against the same Azurite and stand-ins, with the hello world, interleaved starts. CPU is the
process's CPU time (all its threads) at its first ack: on a busy machine it is steadier than the wall time, which is
given too.

2026-12-02, 30 interleaved starts each, load 8.9–9.2 (1 min):

| Process | CPU ms (median) | wall ms (median) |
| --- | ---: | ---: |
| bot before: Bolt 4.7.2, tables and queues created on every start | 709 | 1496 |
| + @slack/bolt 5.1 (@slack/web-api 8 on the global fetch: no axios, form-data, mime-db) | 683 | 1459 |
| + no table or queue creation at start-up (deploy/main.bicep creates them; created when found missing) | 662 | 1369 |
| + zod with its English locale only | 654 | 1302 |
| hello-world Bolt 4.7.2 | 664 | 1443 |
| hello-world Bolt 5.1 | 706 | 1639 |

The Slack ack path went from 2256 KiB of bundle before these changes (4e4b7f2) to 1617 KiB (\`npm run build\` prints
it), although the app grew in between. Importing zod alone took 116 ms of CPU before and 84 ms with English only (30
paired runs, load 9): V8 compiles what Node reads. The hello world moved to Bolt 5.1 with the bot (the fair reference
is the app a team would write today with the same Bolt), and 5.1 unbundled starts with more CPU than 4.7.2.

2026-12-02, later: each change against the code just before it, both bundled, with hello-world Bolt 5.1, interleaved
in one run (rounds alternating their order); medians. The load differed between the runs, so compare within a row.

| Change | Starts each, load (1 min) | CPU ms before → after | wall ms before → after | hello-world Bolt CPU / wall ms |
| --- | --- | ---: | ---: | ---: |
| the first command's usergroups call after its ack, not before (it loaded Node's fetch and ran beside the ack) | 14, 2.9–4.4 | 457 → 431 | 444 → 429 | 509 / 467 |
| \`import * as z from "zod"\`: the bundle keeps the zod the app uses (zod's chunk 303 → 154 KiB; the Slack ack path 1618 → 1467 KiB) | 16, 5.5–7.0 | 556 → 517 | 949 → 869 | 638 / 1196 |
| no esbuild \`keepNames\` (a \`__name(fn, "fn")\` call for every function and class of the bundle as it loads) | 14, 7.9–9.5 | 490 → 446 | 605 → 556 | 551 / 729 |

After the three, at load 3.4 (14 starts each): the bundled bot 418 ms of CPU and 432 ms of wall time to its first
ack, hello-world Bolt 522 and 475 ms (0.80× in CPU, 0.91× in wall time). Tried and not kept: zod's \`jitless\` mode
(no code generated at an object schema's first parse: 10 ms less CPU at the first ack, within the noise of the wall
time, and every later parse slower); allocation-free text measuring in the Block Kit renderer (no difference in the
warm CPU per request that two runs could tell apart).

## Where the warm ack's CPU goes

2026-12-03, measured apart from this bench: the bundled bot in the worker stand-in and Bolt + write, each under a
steady \`show\` load (C=8, 4000 requests after the warm-up) with V8's sampling profiler started after the warm-up
(every 200 µs; it adds about a third to the CPU), load 1.5–2.5. Self time per request, by where the code comes from:

| Part | bot µs | Bolt + write µs |
| --- | ---: | ---: |
| \`@azure/functions\` (InvocationModel, HttpRequest, HttpResponse, toRpcHttp) | 87 | – |
| Node's undici \`Request\`/\`Response\` and web streams (each body a \`ReadableStream\`) | 139 | 24 |
| Bolt (its middleware; the reference also parses the body and runs a conversation store) | 67 | 123 |
| the app: adapters/, commands/, zod, the storage classes | 146 | 25 |
| the worker stand-in (bench/functions-worker.ts) / the hello world's own file | 23 | 13 |
| the Azure Queue SDK's pipeline and XML (the same write on both) | 265 | 290 |
| Node's http, net, streams, crypto | 229 | 191 |
| garbage collection | 148 | 78 |
| native: socket writes, the microtask runner | 362 | 323 |
| **busy, per request** | **1466** | **1067** |

The same bundle with the stand-in calling the handler directly (a plain object with the request's method, url,
headers and text; no \`@azure/functions\`, no undici), in the same run (4 rounds of 1000 requests, load 5.5–10.7):
\`show\` at C=8 0.92 ms of CPU a request, against 1.19 ms through the programming model and 1.03 ms for Bolt + write.
At \`show\` the programming model is the gap; the bot's own work (receiver, plan, job, render, Bolt) costs about what
Bolt's HTTPReceiver and conversation store cost the reference. \`help\` has the app's largest part: laying out the
verb table (its cell widths measured with \`Array.from\`), twice, once for an overflow file the ack never sends.

Cut since, each against the code just before it, on the Slack ack path in-process (receiver, Bolt, core, renderer;
no Functions model, no storage), medians of 5 alternating runs, load 3.5–13:

| Change | Verb | CPU µs a request, before → after |
| --- | --- | ---: |
| table cells read once, measured without building arrays | help | 468 → 423 |
| the ack renders without the overflow file's plain text | help | 423 → 344 |
| a form body parsed once (the SSL check parsed it too) | show | 201 → 191 |
| the signature compared with \`timingSafeEqual\` (Bolt's tsscmp draws 32 random bytes and two more HMACs) | show | 191 → 162 |

And the largest, which the in-process runs could not show (their stores are in memory): the core read the
channel's defaults (an Azure Tables point read, a 404 and its \`RestError\` for most channels) before every verb,
\`help\` included, which acts on no workspace; \`help\` paid three storage calls where Bolt + write makes the audit
line's two. Verbs now declare \`noWorkspace\`. The bundled bot before and after, interleaved with Bolt + write, 4
rounds of 800 requests, load 3.5–6.2: \`help\` at C=1 2.58 → 1.79 ms of CPU a request (Bolt + write 1.24), p99
30.5 → 23.9 ms (14.4); at C=8 2.19 → 1.79 ms, p99 192 → 147 ms (100).

What is left of the bot's own work on \`show\`, in the profile: \`plan\` about 30 µs, the job's zod check before it is
queued about 20 (the worker's own check, kept so a payload it would refuse is refused visibly), the ack's rendering
about 20, the job's JSON measured for the queue's limit about 10; Bolt's middleware chain about 60 (in the reference
too). The programming model's conversions (about 0.25 ms a request here, more with its garbage) are the part a Bolt
app on its own HTTP server never pays.

## What would move the numbers

- **zod's schemas.** zod is tree-shaken now; what a cold start still pays is building schemas: about 580 zod schema
  objects exist by the first ack, some 250 of them the configuration's (needed: it is validated once, at start-up)
  and some 145 the Table entities' that a slow verb's ack never parses (\`z.lazy\` would defer those).
- **The Functions programming model.** \`@azure/functions\` turns each request into an undici \`Request\` and each answer
  into a \`Response\`: on a cold start that loads Node's undici (about 40 ms of CPU in a cpuprofile here), and warm it
  is about half a millisecond of CPU per request that the warm reference, Bolt on its own HTTP server, does not pay.
  That is most of the gap at C=1, where the latency is the CPU of one request.
- **Garbage collection.** About seven young-generation collections happen before the first ack (40–60 ms on this
  busy machine). A larger initial young generation is a V8 flag (an app setting in Azure,
  \`languageWorkers__node__arguments\`), not taken: the hello world runs with Node's defaults.
- **Node 22's compile cache.** \`module.enableCompileCache()\` (Node 22.1+, what Azure runs) keeps V8's compiled code
  of the bundle's files between starts of one machine; a new Flex instance starts without it, and Node 20 here has
  none, so it is not measured.
- **Bytes on the Slack ack path** (1.39 MiB): the two storage SDKs (the queue's with its XML parser and builder about
  310 KiB, the tables' 68 KiB, which a slow verb's ack does not use), zod 144 KiB, Bolt 118 KiB, @azure/functions
  114 KiB, @slack/web-api 56 KiB and the core's verbs.
`;
