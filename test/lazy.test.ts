import { describe, expect, it } from "vitest";
import { lazyPort } from "../src/lazy.js";

interface Greeter {
  greet(name: string): Promise<string>;
}

describe("lazyPort", () => {
  it("loads the implementation on the first call only, and keeps `this`", async () => {
    let loads = 0;
    const port = lazyPort<Greeter>(async () => {
      loads++;
      return { prefix: "hi", async greet(this: { prefix: string }, name: string) { return `${this.prefix} ${name}`; } } as Greeter;
    });
    expect(loads).toBe(0);
    expect(await Promise.all([port.greet("a"), port.greet("b")])).toEqual(["hi a", "hi b"]);
    expect(loads).toBe(1);
  });

  it("tries again after a failed load", async () => {
    let attempt = 0;
    const port = lazyPort<Greeter>(async () => {
      if (++attempt === 1) throw new Error("module not ready");
      return { greet: async (name: string) => `hello ${name}` };
    });
    await expect(port.greet("x")).rejects.toThrow("module not ready");
    expect(await port.greet("x")).toBe("hello x");
  });

  it("is not mistaken for a promise", async () => {
    const port = lazyPort<Greeter>(async () => ({ greet: async () => "ok" }));
    expect(await Promise.resolve(port)).toBe(port);
  });
});
