/**
 * PartitionKey / RowKey encoding. Azure Tables forbids `/ \ # ?` and control characters (U+0000–U+001F,
 * U+007F–U+009F) in keys; they are written as `%XX`, and `%` itself as `%25`, so encoding is reversible.
 * Keys are limited to 1 KiB.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what Tables forbids in keys
const FORBIDDEN = /[%/\\#?\u0000-\u001f\u007f-\u009f]/g;
const MAX_KEY_CHARS = 512; // 1 KiB of UTF-16

export function encodeKey(value: string): string {
  const encoded = value.replace(FORBIDDEN, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  if (encoded.length > MAX_KEY_CHARS) {
    throw new RangeError(`Table key too long (${encoded.length} characters after encoding, at most ${MAX_KEY_CHARS})`);
  }
  return encoded;
}

export function decodeKey(key: string): string {
  return key.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Inverted timestamp: ascending order of the result is newest first. 17 digits cover every valid Date. */
export function invertedTimestamp(at: Date): string {
  return String(8.64e15 - at.getTime()).padStart(17, "0");
}
