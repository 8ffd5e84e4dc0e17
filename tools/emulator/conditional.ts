/**
 * Optimistic concurrency with `If-Match` / `If-None-Match`, as ARM applies it to writes:
 * `If-Match` must name the current ETag (or be `*` with the resource present); `If-None-Match: *` only
 * lets a PUT create. Failures are 412 `PreconditionFailed`.
 */
import type { IncomingMessage } from "node:http";
import { armErrors } from "./arm-errors.js";
import { headerValue } from "./http-kit.js";

export function checkPreconditions(req: IncomingMessage, currentEtag: string | undefined, what: string): void {
  const ifMatch = headerValue(req, "if-match");
  if (ifMatch !== undefined) {
    const wanted = parseEtagList(ifMatch);
    if (currentEtag === undefined) {
      throw armErrors.preconditionFailed(`The If-Match condition '${ifMatch}' failed: ${what} does not exist.`);
    }
    if (!wanted.includes("*") && !wanted.includes(stripWeak(currentEtag))) {
      throw armErrors.preconditionFailed(
        `The If-Match condition '${ifMatch}' failed: the current ETag of ${what} is '${currentEtag}'. It was changed since you read it; read it again and retry.`,
      );
    }
  }
  const ifNoneMatch = headerValue(req, "if-none-match");
  if (ifNoneMatch !== undefined && currentEtag !== undefined) {
    const unwanted = parseEtagList(ifNoneMatch);
    if (unwanted.includes("*") || unwanted.includes(stripWeak(currentEtag))) {
      throw armErrors.preconditionFailed(`The If-None-Match condition '${ifNoneMatch}' failed: ${what} already exists.`);
    }
  }
}

function parseEtagList(header: string): string[] {
  return header
    .split(",")
    .map((part) => stripWeak(part.trim()))
    .filter((part) => part !== "");
}

function stripWeak(etag: string): string {
  return etag.startsWith("W/") ? etag.slice(2) : etag;
}
