import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrCreateTls } from "../../tools/emulator/tls.js";
import { HttpsTestClient, startTestEmulator } from "./helpers/arm-http.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aml-tls-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("emulator TLS", () => {
  it("is a CA certificate for 127.0.0.1 and localhost", async () => {
    const tls = await loadOrCreateTls(false);
    const cert = new X509Certificate(tls.cert);
    expect(cert.ca).toBe(true);
    expect(cert.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(cert.subjectAltName).toContain("DNS:localhost");
    expect(tls.ca).toBe(tls.cert);
  });

  it("is trusted by clients given `ca`, under both host names", async () => {
    const emulator = await startTestEmulator();
    try {
      const byIp = await new HttpsTestClient(emulator.url, emulator.ca).send("/__emulator/health");
      expect(byIp.status).toBe(200);
      const byName = await new HttpsTestClient(emulator.url.replace("127.0.0.1", "localhost"), emulator.ca).send("/__emulator/health");
      expect(byName.status).toBe(200);
      const other = await loadOrCreateTls(false);
      await expect(new HttpsTestClient(emulator.url, other.ca).send("/__emulator/health")).rejects.toThrow();
    } finally {
      await emulator.close();
    }
  });

  it("reuses the cached certificate and replaces a broken one", async () => {
    const first = await loadOrCreateTls(dir);
    const second = await loadOrCreateTls(dir);
    expect(second.cert).toBe(first.cert);
    expect(await readFile(join(dir, "emulator-cert.pem"), "utf8")).toBe(first.cert);
    await writeFile(join(dir, "emulator-cert.pem"), "not a certificate");
    const third = await loadOrCreateTls(dir);
    expect(third.cert).not.toBe(first.cert);
    expect(new X509Certificate(third.cert).ca).toBe(true);
  });

  it("uses a certificate passed in options", async () => {
    const tls = await loadOrCreateTls(false);
    const emulator = await startTestEmulator({ tls: { key: tls.key, cert: tls.cert } });
    try {
      expect(emulator.ca).toBe(tls.cert);
      expect((await new HttpsTestClient(emulator.url, tls.ca).send("/__emulator/health")).status).toBe(200);
    } finally {
      await emulator.close();
      // Closing twice is harmless.
      await emulator.close();
    }
  });
});
