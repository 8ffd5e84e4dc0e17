/**
 * For the bench's child processes: exit when the bench itself is gone (SIGKILL, a crash), so no host or server
 * is left listening. The bench kills its children's process groups on every normal path; this covers the rest.
 * Tiny on purpose: the bare baseline server imports it too, and it must not add to that server's start-up.
 */
export function exitWithParent(): void {
  const parent = Number(process.env["BENCH_PARENT_PID"]);
  if (!Number.isInteger(parent) || parent <= 0) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EPERM") process.exit(0);
    }
  }, 500);
  timer.unref();
}
