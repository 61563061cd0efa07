// The behaviours in which the CLI and the extension used to disagree (issue 13), as one table of
// cases. Each front-end's suite runs every case through its own adapter and must reach the same
// outcome: test/front-ends/drift.test.ts (the CLI in-process, and the engine with the extension's
// prompter answers) and test/host/suite/drift.test.ts (the real extension in VS Code).
import type { Catalog } from '../../src/engine/catalog';
import { buildCatalog } from '../../src/engine/catalog-build';
import { withProvenance } from '../../src/engine/provenance';
import { releaseOf, source } from '../engine/fixtures';

const log = source('log', { summary: 'Logs.', body: 'export const log = (message: string): void => console.log(message);\n' });
const greetBody = (greeting: string) =>
  `import { log } from './log.js';\n\nexport function greet(name: string): string {\n  log(name);\n  return ${greeting};\n}\n`;
const greet = (greeting: string) => source('greet', { summary: 'Greets.', patterns: ['log'], body: greetBody(greeting) });

/** 0.9.0, then 1.0.0, which changes greet's return line. */
export const OLDER: Catalog = buildCatalog([log, greet('`hello ${name}`')], '0.9.0');
export const CURRENT: Catalog = buildCatalog([log, greet('`hello, ${name}!`')], '1.0.0', [releaseOf(OLDER)]);

const file = (catalog: Catalog, id: string) => {
  const found = catalog.files.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no ${id} in catalog ${catalog.version}`);
  return found;
};
/** A copy as inserted from `catalog`. */
export const inserted = (catalog: Catalog, id: string) => withProvenance(file(catalog, id), catalog.version);

export type Command = { readonly kind: 'add'; readonly pattern: string } | { readonly kind: 'update' } | { readonly kind: 'check' };

export interface DriftCase {
  readonly name: string;
  /** Files in the patterns folder before the first run, by path relative to it. */
  readonly files: Readonly<Record<string, string>>;
  readonly command: Command;
  /**
   * For each run of the command, in order: the outcome per file (relative to the patterns
   * folder): add → create | identical | update | edited; update → the engine's result kind;
   * check → the copy state. Or the one error message (without a product prefix).
   */
  readonly runs: ReadonlyArray<Readonly<Record<string, string>> | { readonly error: string }>;
  /** Files whose text must not change across the runs. */
  readonly untouched?: readonly string[];
  /** Whether the user may be asked anything (Replace / Keep mine, a framework). */
  readonly asks?: false;
}

const conflicting = inserted(OLDER, 'greet').replace('return `hello ${name}`;', 'return `hi ${name}`;');
const editedCurrent = `${inserted(CURRENT, 'greet')}// tuned for our team\n`;

export const DRIFT_CASES: readonly DriftCase[] = [
  {
    name: 'update leaves a copy with conflict markers alone instead of merging into them again',
    files: { 'log.ts': inserted(CURRENT, 'log'), 'greet.ts': conflicting },
    command: { kind: 'update' },
    runs: [
      { 'log.ts': 'unchanged', 'greet.ts': 'conflicts' },
      { 'log.ts': 'unchanged', 'greet.ts': 'unresolved' },
    ],
  },
  {
    name: 'update keeps an edited copy with nothing new to merge, and does not count it as updated',
    files: { 'log.ts': inserted(CURRENT, 'log'), 'greet.ts': editedCurrent },
    command: { kind: 'update' },
    runs: [{ 'log.ts': 'unchanged', 'greet.ts': 'kept' }],
    untouched: ['greet.ts'],
  },
  {
    name: 'add updates an untouched copy of an older version without asking',
    files: { 'greet.ts': inserted(OLDER, 'greet') },
    command: { kind: 'add', pattern: 'greet' },
    runs: [{ 'log.ts': 'create', 'greet.ts': 'update' }],
    asks: false,
  },
  {
    name: 'add keeps a copy with the user’s edits unless the user says otherwise',
    files: { 'log.ts': inserted(CURRENT, 'log'), 'greet.ts': editedCurrent },
    command: { kind: 'add', pattern: 'greet' },
    runs: [{ 'log.ts': 'identical', 'greet.ts': 'edited' }],
    untouched: ['greet.ts'],
  },
  {
    name: 'copies are found among .ts/.tsx/.mts/.cts files, not in .d.ts files, node_modules, dist or dot-folders',
    files: {
      'web/greet.tsx': inserted(CURRENT, 'greet'),
      'types/log.d.ts': inserted(CURRENT, 'log'),
      'node_modules/lib/log.ts': inserted(CURRENT, 'log'),
      'dist/log.ts': inserted(CURRENT, 'log'),
      '.cache/log.mts': inserted(CURRENT, 'log'),
    },
    command: { kind: 'check' },
    runs: [{ 'web/greet.tsx': 'up-to-date', 'log.ts': 'missing' }],
  },
  {
    name: 'an unknown pattern is one message, named once',
    files: {},
    command: { kind: 'add', pattern: 'nope' },
    runs: [{ error: 'Unknown pattern "nope". Valid names: log, greet' }],
  },
];
