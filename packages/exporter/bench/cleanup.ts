/**
 * The bench's undo stack: every resource it creates (temp dir, engine, containers, cgroups, sleepers,
 * exporter, strace) registers an undo step, and the steps run once, in reverse order, on success, on error
 * and on SIGINT/SIGTERM/SIGHUP.
 */

interface UndoStep {
  what: string;
  fn: () => unknown;
}

const undo: UndoStep[] = [];
let cleaningUp: Promise<void> | null = null;
let signalled = false;

/** Whether a signal started the clean-up (the errors that follow from it are not worth reporting). */
export const interrupted = (): boolean => signalled;

/** Registers an undo step; the returned function forgets it (after the resource was released normally). */
export function onCleanup(what: string, fn: () => unknown): () => void {
  const entry: UndoStep = { what, fn };
  undo.push(entry);
  return () => {
    const i = undo.indexOf(entry);
    if (i >= 0) undo.splice(i, 1);
  };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs every registered step (once, however often it is called). */
export function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    for (let step = undo.pop(); step !== undefined; step = undo.pop()) {
      try {
        await step.fn();
      } catch (err) {
        process.stderr.write(`bench: cleanup of ${step.what} failed: ${errorMessage(err)}\n`);
      }
    }
  })();
  return cleaningUp;
}

/** Ctrl-C and friends: clean up, then exit 130. */
export function cleanUpOnSignals(): void {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      signalled = true;
      process.stderr.write(`\nbench: ${sig}, cleaning up…\n`);
      void cleanup().finally(() => process.exit(130));
    });
  }
}
