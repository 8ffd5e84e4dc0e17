/**
 * Where a JSON text goes wrong, for messages people can act on. `JSON.parse` decides validity; this scanner
 * only runs after it failed, because V8's messages do not always give a position ("Unexpected token '}',
 * ... is not valid JSON").
 */
export interface JsonFault {
  /** 0-based offset into the text. */
  readonly at: number;
  readonly expected: string;
}

class Fault extends Error {
  constructor(
    readonly at: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

/** The first fault of `text`, or undefined when the scanner finds none. */
export function locateJsonFault(text: string): JsonFault | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const fail = (expected: string): never => {
    throw new Fault(i, i >= text.length ? `${expected}, but the text ends here` : expected);
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") return object();
    if (c === "[") return array();
    if (c === '"') return string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return number();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === "'") fail("strings and names use double quotes (\"), not single quotes");
    return fail("expected a value (an object, list, string, number, true, false or null)");
  };
  const object = (): void => {
    i++;
    ws();
    if (text[i] === "}") return void i++;
    for (;;) {
      ws();
      if (text[i] === "}") fail("a trailing comma is not allowed before '}'");
      if (text[i] === "'") fail("property names use double quotes (\"), not single quotes");
      if (text[i] !== '"') fail("expected a property name in double quotes");
      string();
      ws();
      if (text[i] !== ":") fail("expected ':' after the property name");
      i++;
      value();
      ws();
      if (text[i] === ",") i++;
      else if (text[i] === "}") return void i++;
      else fail("expected ',' or '}' after the property value");
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (text[i] === "]") return void i++;
    for (;;) {
      ws();
      if (text[i] === "]") fail("a trailing comma is not allowed before ']'");
      value();
      ws();
      if (text[i] === ",") i++;
      else if (text[i] === "]") return void i++;
      else fail("expected ',' or ']' after the list item");
    }
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail("a line break or control character inside a string must be escaped");
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail("unknown escape in a string");
      }
      i++;
    }
    if (i >= text.length) fail("a string is not closed with '\"'");
    i++;
  };
  const number = (): void => {
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = i;
    const found = match.exec(text);
    if (found === null || found[0] === "-") fail("expected a number");
    i += found![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail("unexpected text after the JSON value");
    return undefined;
  } catch (error) {
    if (error instanceof Fault) return { at: error.at, expected: error.expected };
    throw error;
  }
}

/** "line 2, column 7" of a 0-based offset. */
export function lineAndColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  return { line, column: at - before.lastIndexOf("\n") };
}
