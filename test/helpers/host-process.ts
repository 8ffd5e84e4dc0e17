/**
 * A local Functions host (`tools/local/host-main.ts`) as its own process, so a test can SIGKILL it mid-job as a
 * crashed Azure worker would die, and start another on the same storage.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { findFreePort } from "../../tools/azurite.js";

export interface HostProcess {
  readonly url: string;
  readonly child: ChildProcess;
}

export class HostProcesses {
  readonly #children: ChildProcess[] = [];

  async start(env: Record<string, string>, timeoutInMs = 20_000): Promise<HostProcess> {
    const port = await findFreePort();
    const child = spawn(process.execPath, ["--import", "tsx", "tools/local/host-main.ts"], {
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#children.push(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`function host did not start in ${timeoutInMs} ms`)), timeoutInMs);
      child.stdout!.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("function host ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", (code) => reject(new Error(`function host exited with ${code}`)));
    });
    return { url: `http://127.0.0.1:${port}`, child };
  }

  killAll(): void {
    for (const child of this.#children) if (child.exitCode === null) child.kill("SIGKILL");
  }
}
