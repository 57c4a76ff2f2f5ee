/**
 * Polls `check` every few milliseconds until it holds. The timeout is a failsafe against a hung test, not
 * a timing assertion: conditions that depend on sockets and reconnect timers cannot be awaited otherwise.
 */
export async function waitFor(check: () => boolean, what = 'condition', timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
}
