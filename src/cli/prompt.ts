// Yes/no questions on a terminal. Commands ask only when `io.interactive` (never in pipes or CI),
// and `--yes` answers every question in advance.
import { createInterface } from 'node:readline';

/** Resolves false on Ctrl+C, end of input, or when `signal` aborts: only an explicit yes proceeds. */
export function confirm(question: string, defaultYes: boolean, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const readline = createInterface({ input: process.stdin, output: process.stdout });
    const cancel = () => readline.close();
    readline.once('close', () => {
      signal?.removeEventListener('abort', cancel);
      resolve(false);
    });
    readline.on('SIGINT', cancel);
    if (signal?.aborted) return cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    readline.question(`${question} ${defaultYes ? '[Y/n]' : '[y/N]'} `, (answer) => {
      const normalized = answer.trim().toLowerCase();
      resolve(normalized === '' ? defaultYes : normalized === 'y' || normalized === 'yes');
      readline.close();
    });
  });
}
