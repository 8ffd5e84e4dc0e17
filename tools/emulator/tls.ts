/**
 * The emulator's TLS identity: one self-signed EC certificate for 127.0.0.1 and localhost that is also
 * its own CA (basicConstraints cA, keyCertSign), so clients pass the same PEM as `ca`. It is cached on disk
 * so restarts keep the CA that clients were told to trust, and regenerated when close to expiry.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface EmulatorTls {
  key: string;
  cert: string;
  /** PEM clients must trust; the certificate itself, since it is self-signed. */
  ca: string;
}

export const DEFAULT_TLS_CACHE_DIR = join(".data", "emulator", "tls");
const KEY_FILE = "emulator-key.pem";
const CERT_FILE = "emulator-cert.pem";
const VALIDITY_DAYS = 825;
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

/** Returns the cached identity when still good, otherwise makes (and caches, unless `cacheDir` is false) a new one. */
export async function loadOrCreateTls(cacheDir: string | false = DEFAULT_TLS_CACHE_DIR): Promise<EmulatorTls> {
  if (cacheDir !== false) {
    const cached = await readCached(cacheDir);
    if (cached !== undefined) return cached;
  }
  const fresh = await createTls();
  if (cacheDir !== false) await writeCached(cacheDir, fresh);
  return fresh;
}

export async function createTls(): Promise<EmulatorTls> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: "commonName", value: "AML emulator (localhost)" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, ca: pems.cert };
}

async function readCached(dir: string): Promise<EmulatorTls | undefined> {
  try {
    const [key, cert] = await Promise.all([readFile(join(dir, KEY_FILE), "utf8"), readFile(join(dir, CERT_FILE), "utf8")]);
    return isUsable(key, cert) ? { key, cert, ca: cert } : undefined;
  } catch {
    return undefined;
  }
}

function isUsable(key: string, cert: string): boolean {
  try {
    const x509 = new X509Certificate(cert);
    const names = x509.subjectAltName ?? "";
    return (
      Date.parse(x509.validTo) - Date.now() > RENEW_BEFORE_MS &&
      Date.parse(x509.validFrom) <= Date.now() &&
      names.includes("IP Address:127.0.0.1") &&
      names.includes("DNS:localhost") &&
      x509.ca &&
      x509.checkPrivateKey(createPrivateKey(key))
    );
  } catch {
    return false;
  }
}

/** Writes through temporary files and renames, so concurrent starts never read half a PEM. */
async function writeCached(dir: string, tls: EmulatorTls): Promise<void> {
  await mkdir(dir, { recursive: true });
  const suffix = `.${process.pid}.${Date.now()}.tmp`;
  await writeFile(join(dir, KEY_FILE + suffix), tls.key, { mode: 0o600 });
  await writeFile(join(dir, CERT_FILE + suffix), tls.cert);
  await rename(join(dir, KEY_FILE + suffix), join(dir, KEY_FILE));
  await rename(join(dir, CERT_FILE + suffix), join(dir, CERT_FILE));
}
