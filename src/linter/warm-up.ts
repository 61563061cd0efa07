// The linter's warm-up: one lint of a small service file, run on the linter thread when a JS/TS
// project opens and before any document asks (main.ts). Loading the bundle and compiling the
// parser's, ESLint's and the rules' functions is most of a first lint's time; doing it here, off
// the user's path, leaves the first real document a lint by a linter that is already warm.
// The text must get past the prefilter and make rules report, or the warm-up would skip the
// very functions it is for (test/linter/warm-up.test.ts checks both rule sets).
import { lintText, type LintSettings } from './lint';

const WARM_UP_FILE = 'bulwark-warm-up.ts';

const WARM_UP_SOURCE = `import express from 'express';
import { Redis } from 'ioredis';

interface User {
  readonly id: string;
  readonly name?: string;
}

const redis = new Redis();
const app = express();

export async function loadUser(id: string, signal?: AbortSignal): Promise<User | undefined> {
  const cached = await redis.get(\`user:\${id}\`);
  if (cached) return JSON.parse(cached) as User;
  const response = await fetch(\`https://users.example/\${encodeURIComponent(id)}\`, { signal });
  if (!response.ok) return undefined;
  const user = (await response.json()) as User;
  await redis.set(\`user:\${id}\`, JSON.stringify(user), 'EX', 60);
  return user;
}

export async function forgetAll(): Promise<number> {
  const keys = await redis.keys('user:*');
  return keys.length > 0 ? redis.del(...keys) : 0;
}

app.get('/users/:id', async (req, res) => {
  try {
    const users = await Promise.all([req.params.id].map((id) => loadUser(id)));
    res.json(users[0] ?? null);
  } catch (error) {
    res.status(500).json({ error: String(error) });
  }
});

export function notify(url: string): void {
  fetch(url, { method: 'POST' }).catch(() => {});
}
`;

/** Lints the warm-up file as diagnostics would under `settings`; the number of bulwark/* messages. */
export function warmUp(settings: LintSettings = {}): number {
  return lintText(WARM_UP_SOURCE, WARM_UP_FILE, { ...settings, rulesOnly: true }).length;
}
