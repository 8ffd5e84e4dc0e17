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
