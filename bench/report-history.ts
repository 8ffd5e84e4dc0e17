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

## What would move the numbers

- **zod itself.** Even English only, importing it costs about 80 ms of CPU here, on every path (config, job
  messages, verb arguments), and the Functions entries already import it. \`zod/mini\` is tree-shakeable; moving to it
  touches every schema of the app.
- **Node 22's compile cache.** \`module.enableCompileCache()\` (Node 22.1+, what Azure runs) keeps V8's compiled code
  of the bundle's files between starts of one machine; a new Flex instance starts without it, and Node 20 here has
  none, so it is not measured. Node 20's ESM loader also decodes every file with TextDecoder (tens of milliseconds of
  CPU per cold start here), which Node 22 does faster.
`;
