// A realistic 2,000-line TypeScript backend file for the extension benchmarks: services that
// call HTTP APIs, Redis and a database, Express handlers, a worker loop; mostly clean code with
// a few anti-patterns of each kind, so the rules report some diagnostics as they would in a real
// project. Deterministic: the same text on every run.

/** One service module of about 80 lines; `n` varies the names, `flawed` adds anti-patterns. */
function service(n, flawed) {
  const entity = `Entity${n}`;
  const lines = [
    `export interface ${entity} {`,
    '  readonly id: string;',
    '  readonly name: string;',
    '  readonly updatedAt: Date;',
    '  readonly tags: readonly string[];',
    '}',
    '',
    `export class ${entity}Service {`,
    '  private readonly cache = new Map<string, { value: unknown; expires: number }>();',
    '',
    '  constructor(',
    '    private readonly baseUrl: string,',
    '    private readonly redis: RedisLike,',
    '    private readonly db: Database,',
    '  ) {}',
    '',
    `  async get(id: string, signal?: AbortSignal): Promise<${entity} | undefined> {`,
    `    const cached = await this.redis.get(\`${n}:\${id}\`);`,
    '    if (cached !== null) return JSON.parse(cached);',
    '    const response = await fetch(`${this.baseUrl}/items/${encodeURIComponent(id)}`, {',
    '      signal: AbortSignal.any([AbortSignal.timeout(5_000), ...(signal ? [signal] : [])]),',
    '    });',
    '    if (response.status === 404) return undefined;',
    `    if (!response.ok) throw new Error(\`${entity}: upstream answered \${response.status}\`);`,
    `    const item = (await response.json()) as ${entity};`,
    `    await this.redis.set(\`${n}:\${id}\`, JSON.stringify(item), 'EX', 60);`,
    '    return item;',
    '  }',
    '',
    `  async list(ids: readonly string[]): Promise<Array<${entity} | undefined>> {`,
    '    const found = [];',
    '    for (const id of ids) found.push(await this.get(id));',
    '    return found;',
    '  }',
    '',
    `  async save(item: ${entity}): Promise<void> {`,
    '    try {',
    `      await this.db.query('update items_${n} set name = $1, tags = $2 where id = $3', [item.name, item.tags, item.id]);`,
    '    } catch (error) {',
    `      throw new Error(\`${entity}: could not save \${item.id}\`, { cause: error });`,
    '    }',
    `    await this.redis.del(\`${n}:\${item.id}\`);`,
    '  }',
    '',
    '  memo(key: string): unknown {',
    '    const entry = this.cache.get(key);',
    '    if (entry !== undefined && entry.expires > Date.now()) return entry.value;',
    '    this.cache.delete(key);',
    '    return undefined;',
    '  }',
  ];
  if (flawed) {
    lines.push(
      '',
      '  // Anti-patterns the rules report:',
      '  async refresh(id: string): Promise<unknown> {',
      '    const response = await fetch(`${this.baseUrl}/items/${id}`);',
      '    return response.json();',
      '  }',
      '',
      `  async refreshAll(ids: string[]): Promise<unknown[]> {`,
      '    return Promise.all(ids.map((id) => this.refresh(id)));',
      '  }',
      '',
      '  async bestEffort(id: string): Promise<void> {',
      '    try {',
      '      await this.refresh(id);',
      '    } catch (error) {}',
      '  }',
      '',
      '  async cachedName(id: string): Promise<string | undefined> {',
      `    const name = await this.redis.get(\`name:${n}:\${id}\`);`,
      '    if (name) return name;',
      '    return undefined;',
      '  }',
      '',
      '  async names(): Promise<string[]> {',
      `    return this.redis.keys(\`name:${n}:*\`);`,
      '  }',
    );
  }
  lines.push('}', '');
  return lines;
}

function handlers(n) {
  return [
    `export function register${n}(app: App, service: Entity${n}Service): void {`,
    `  app.get('/entities-${n}/:id', async (req, res, next) => {`,
    '    try {',
    '      const item = await service.get(req.params.id);',
    "      if (!item) return res.status(404).json({ error: 'not found' });",
    '      res.json(item);',
    '    } catch (error) {',
    '      next(error);',
    '    }',
    '  });',
    '}',
    '',
  ];
}

const PRELUDE = [
  '// Generated benchmark input: a realistic backend module (services, handlers, a worker).',
  "import { setTimeout as sleep } from 'node:timers/promises';",
  '',
  'export interface RedisLike {',
  '  get(key: string): Promise<string | null>;',
  "  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;",
  '  del(key: string): Promise<number>;',
  '  keys(pattern: string): Promise<string[]>;',
  '}',
  '',
  'export interface Database {',
  '  query(sql: string, params: readonly unknown[]): Promise<{ rows: unknown[] }>;',
  '}',
  '',
  'export interface App {',
  '  get(path: string, handler: (req: { params: Record<string, string> }, res: Response2, next: (error: unknown) => void) => unknown): void;',
  '}',
  '',
  'export interface Response2 {',
  '  status(code: number): Response2;',
  '  json(body: unknown): Response2;',
  '}',
  '',
];

const WORKER = [
  'export async function work(queue: { next(signal: AbortSignal): Promise<string | undefined> }, signal: AbortSignal): Promise<void> {',
  '  while (!signal.aborted) {',
  '    const job = await queue.next(signal);',
  '    if (job === undefined) {',
  '      await sleep(1_000, undefined, { signal });',
  '      continue;',
  '    }',
  '  }',
  '}',
];

/** Exactly `lineCount` lines (default 2,000) of TypeScript. */
export function sampleSource(lineCount = 2000) {
  const lines = [...PRELUDE];
  for (let n = 1; ; n += 1) {
    const block = [...service(n, n % 4 === 0), ...handlers(n)];
    if (lines.length + block.length + WORKER.length > lineCount) break;
    lines.push(...block);
  }
  // Whole blocks only (a cut one would not parse); settings fill the remaining lines.
  for (let i = 1; lines.length + WORKER.length < lineCount; i += 1) lines.push(`export const setting${i} = ${i * 100};`);
  return `${[...lines, ...WORKER].join('\n')}\n`;
}
