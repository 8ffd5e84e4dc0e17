/**
 * `npm run build`: bundles the Functions entries into dist/ (scripts/functions-bundle.ts) and prints what came out:
 * each entry, each chunk with its size, and what the Slack ack path loads.
 */
import { bundleFunctions } from "./functions-bundle.js";
import { describeBundle } from "./bundle-report.js";

const result = await bundleFunctions();
console.log(describeBundle(result));
