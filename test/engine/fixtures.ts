// Small synthetic runtime sources for engine and CLI tests: real headers and real imports, so
// the catalog builder checks them exactly as it checks runtime/src.
import type { Catalog } from '../../src/engine/catalog';
import type { Release, SourceFile } from '../../src/engine/catalog-build';

export interface SourceSpec {
  readonly summary?: string;
  readonly patterns?: readonly string[];
  readonly packages?: readonly string[];
  /** The code after the header (imports included). */
  readonly body: string;
}

export function headerOf(id: string, spec: Omit<SourceSpec, 'body'>): string {
  return [
    '/**',
    ` * Bulwark pattern: ${id}`,
    ` * ${spec.summary ?? `The ${id} test pattern.`}`,
    ' *',
    ` * Patterns used: ${spec.patterns?.length ? spec.patterns.join(', ') : 'none'}`,
    ` * Packages used: ${spec.packages?.length ? spec.packages.join(', ') : 'none'}`,
    ' */',
  ].join('\n');
}

export function source(id: string, spec: SourceSpec): SourceFile {
  return { path: `${id}.ts`, content: `${headerOf(id, spec)}\n${spec.body}` };
}

/** Lines `prefix 1` … `prefix n`, one statement each: room for edits far apart. */
export function numberedLines(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, index) => `export const ${prefix}${index + 1} = ${index + 1};`).join('\n');
}

/**
 * A tiny catalog of four files: `log` (needs pino), `greet` (uses log), and greet's express and
 * hono adapters. Bodies are valid TypeScript.
 */
export function sampleSources(overrides: Partial<Record<'log' | 'greet', string>> = {}): SourceFile[] {
  return [
    source('log', {
      summary: 'Logs.',
      packages: ['pino'],
      body: overrides.log ?? `import { pino } from 'pino';\n\nexport const logger = pino();\n`,
    }),
    source('greet', {
      summary: 'Greets.',
      patterns: ['log'],
      body:
        overrides.greet ??
        `import { logger } from './log.js';\n\nexport function greet(name: string): string {\n  logger.info({ name }, 'greeting');\n  return \`hello \${name}\`;\n}\n`,
    }),
    source('greet/express', {
      summary: 'Greets over Express.',
      patterns: ['greet'],
      packages: ['@types/express (dev)'],
      body: `import type { RequestHandler } from 'express';\nimport { greet } from '../greet.js';\n\nexport const greetHandler: RequestHandler = (req, res) => {\n  res.send(greet(String(req.query.name)));\n};\n`,
    }),
    source('greet/hono', {
      summary: 'Greets over Hono.',
      patterns: ['greet'],
      packages: ['hono'],
      body: `import type { Context } from 'hono';\nimport { greet } from '../greet.js';\n\nexport const greetHandler = (c: Context) => c.text(greet(c.req.query('name') ?? ''));\n`,
    }),
  ];
}

/** A catalog's files as a release snapshot (what runtime/releases/<version>.json holds). */
export function releaseOf(catalog: Catalog): Release {
  return { version: catalog.version, files: Object.fromEntries(catalog.files.map((file) => [file.id, file.content])) };
}
