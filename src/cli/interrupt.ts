// Ctrl-C during a long command. Node's default for SIGINT/SIGTERM is to die on the spot, which SQLite
// survives (an open transaction is rolled back), but says nothing. Around work that can stop cleanly
// (imports), the signal instead aborts an AbortSignal that the work checks at safe points: it rolls
// back and the user reads "interrupted: nothing was imported" with exit 130. A second Ctrl-C stops at
// once, the default way.

/** Runs `fn` with SIGINT and SIGTERM turned into an aborted `signal` (reason: the signal's name). */
export async function interruptible<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stopListening = () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  function onSignal(name: NodeJS.Signals) {
    if (!controller.signal.aborted) return controller.abort(name);
    stopListening();
    process.kill(process.pid, name);
  }
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    stopListening();
  }
}
