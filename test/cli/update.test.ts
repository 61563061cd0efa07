import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Catalog } from '../../src/engine/catalog';
import { buildCatalog, sha256 } from '../../src/engine/catalog-build';
import { parseCopy } from '../../src/engine/provenance';
import { headerOf, numberedLines, releaseOf, source } from '../engine/fixtures';
import { bulwark, CLI, listFiles, makeProject, mtimes, read, removeProjects, TSC, write, writeCatalog } from './harness';

const lines = (text: string) => text.trimEnd().split('\n');

// A simulated release history: 0.0.9, then 0.1.0 which changes line3 and line18 of `greet`,
// changes `log`, and makes greet use a new file, `format` (which an update must create).
const greet09 = `import { logger } from './log.js';\n\n${numberedLines('line', 20)}\nexport function greet(name: string): string {\n  logger.info({ name }, 'greeting');\n  return \`hello \${name}\`;\n}\n`;
const greet10 = greet09
  .replace(`import { logger } from './log.js';`, `import { format } from './format.js';\nimport { logger } from './log.js';`)
  .replace('export const line3 = 3;', 'export const line3 = 300;')
  .replace('export const line18 = 18;', 'export const line18 = 1800;')
  .replace('return `hello ${name}`;', 'return format(`hello ${name}`);');

function greetSource(body: string, patterns: string[]) {
  return source('greet', { summary: 'Greets.', patterns, body });
}

const older = buildCatalog(
  [source('log', { packages: ['pino'], body: `import { pino } from 'pino';\n\nexport const logger = pino();\n` }), greetSource(greet09, ['log'])],
  '0.0.9',
);
const newer = buildCatalog(
  [
    source('log', { packages: ['pino'], body: `import { pino } from 'pino';\n\nexport const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });\n` }),
    source('format', { body: 'export const format = (text: string): string => text.trim();\n' }),
    greetSource(greet10, ['log', 'format']),
  ],
  '0.1.0',
  [releaseOf(older)],
);

interface Setup {
  readonly root: string;
  readonly run: (args: string[]) => ReturnType<typeof bulwark>;
}

/** A project with `greet` (and `log`) added from catalog 0.0.9; `run` uses catalog 0.1.0. */
async function projectFrom09(): Promise<Setup> {
  const root = makeProject();
  const olderPath = writeCatalog(root, 'catalog-0.0.9.json', older);
  const newerPath = writeCatalog(root, 'catalog-0.1.0.json', newer);
  const added = await bulwark(['add', 'greet'], { cwd: root, env: { BULWARK_CATALOG: olderPath } });
  assert.equal(added.code, 0, added.stderr);
  return { root, run: (args) => bulwark(args, { cwd: root, env: { BULWARK_CATALOG: newerPath } }) };
}

const GREET = 'src/patterns/greet.ts';
const LOG = 'src/patterns/log.ts';

function editLine(root: string, from: string, to: string): string {
  const text = read(root, GREET);
  assert.ok(text.includes(from), `the copy has ${from}`);
  write(root, GREET, text.replace(from, to));
  return read(root, GREET);
}

describe('cli: bulwark diff and update across catalog versions', function () {
  this.timeout(180_000);
  after(removeProjects);

  describe('diff', () => {
    it('reports untouched older copies as outdated, edited ones with both unified diffs, and missing dependencies', async () => {
      const { root, run } = await projectFrom09();
      editLine(root, 'export const line10 = 10;', 'export const line10 = 10; // tuned');
      const result = await run(['diff']);
      assert.equal(result.code, 0, result.stderr);
      const out = result.stdout;
      assert.match(out, /^src\/patterns\/greet\.ts +edited since 0\.0\.9; `bulwark update` merges 0\.1\.0 into it$/m);
      assert.match(out, /^src\/patterns\/log\.ts +outdated untouched copy of 0\.0\.9; `bulwark update` replaces it with 0\.1\.0$/m);
      assert.match(out, /^src\/patterns\/format\.ts +missing needed by greet$/m);
      // Your changes: exactly the one edited line, against the version the copy came from.
      assert.ok(
        out.includes(
          'Your changes (against bulwark 0.0.9):\n--- src/patterns/greet.ts (bulwark 0.0.9)\n+++ src/patterns/greet.ts (yours)\n@@ -16,7 +16,7 @@\n export const line7 = 7;\n export const line8 = 8;\n export const line9 = 9;\n-export const line10 = 10;\n+export const line10 = 10; // tuned\n export const line11 = 11;',
        ),
        out,
      );
      // Against the current version: the catalog's changes, and the edit seen from the other side.
      const current = out.slice(out.indexOf('Against the current version'));
      assert.match(current, /^-export const line3 = 3;\n\+export const line3 = 300;$/m);
      assert.match(current, /^-export const line10 = 10; \/\/ tuned\n\+export const line10 = 10;$/m);
      assert.match(current, /^\+import \{ format \} from '\.\/format\.js';$/m);
    });

    it('gives the same facts as JSON, for scripts and CI', async () => {
      const { root, run } = await projectFrom09();
      editLine(root, 'export const line10 = 10;', 'export const line10 = 11;');
      const result = await run(['diff', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout) as { version: string; files: Array<Record<string, unknown>> };
      assert.equal(report.version, '0.1.0');
      const byId = Object.fromEntries(report.files.map((file) => [file.id, file]));
      assert.deepEqual(Object.keys(byId).sort(), ['format', 'greet', 'log']);
      assert.deepEqual(
        { state: byId.log?.state, baseVersion: byId.log?.baseVersion, path: byId.log?.path },
        { state: 'outdated', baseVersion: '0.0.9', path: LOG },
      );
      assert.deepEqual([byId.format?.state, byId.format?.neededBy], ['missing', ['greet']]);
      assert.equal(byId.greet?.state, 'edited');
      assert.match(String(byId.greet?.yourChanges), /^-export const line10 = 10;\n\+export const line10 = 11;$/m);
      assert.ok(!String(byId.greet?.yourChanges).includes('\u001b['), 'no colour codes in JSON');
    });

    it('narrows to named patterns, reports a named pattern that was never added as missing, and --exit-code fails on drift', async () => {
      const { run } = await projectFrom09();
      const onlyLog = await run(['diff', 'log', '--json']);
      assert.deepEqual(
        (JSON.parse(onlyLog.stdout) as { files: Array<{ id: string }> }).files.map((file) => file.id),
        ['log'],
      );
      const never = await run(['diff', 'format']);
      assert.match(never.stdout, /^src\/patterns\/format\.ts +missing$/m);
      const strict = await run(['diff', '--exit-code']);
      assert.equal(strict.code, 1);
    });

    it('says up to date after an update, and exit code 0 with --exit-code', async () => {
      const { run } = await projectFrom09();
      assert.equal((await run(['update'])).code, 0);
      const result = await run(['diff', '--exit-code']);
      assert.equal(result.code, 0, result.stdout);
      assert.equal(result.stdout.match(/ up to date$/gm)?.length, 3);
    });
  });

  describe('update', () => {
    it('keeps a non-conflicting user edit and takes the new code; replaces untouched copies; creates new dependencies', async () => {
      const { root, run } = await projectFrom09();
      editLine(root, 'export const line10 = 10;', 'export const line10 = 10; // tuned for our traffic');
      const result = await run(['update']);
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /replaced +src\/patterns\/log\.ts +0\.0\.9 → 0\.1\.0, was untouched/);
      assert.match(result.stdout, /merged +src\/patterns\/greet\.ts +your edits \+ 0\.0\.9 → 0\.1\.0/);
      assert.match(result.stdout, /created +src\/patterns\/format\.ts +needed by greet/);

      const copy = parseCopy(read(root, GREET));
      const expected = newer.files
        .find((file) => file.id === 'greet')!
        .content.replace('export const line10 = 10;', 'export const line10 = 10; // tuned for our traffic');
      assert.equal(copy.body, expected, 'the edit is kept and every catalog change is taken');
      assert.equal(copy.provenance?.version, '0.1.0');
      assert.equal(copy.provenance?.sha256, newer.files.find((file) => file.id === 'greet')!.sha256.slice(0, 16), 'the merge base is now 0.1.0');
      assert.equal(parseCopy(read(root, LOG)).body, newer.files.find((file) => file.id === 'log')!.content);
      assert.equal(parseCopy(read(root, 'src/patterns/format.ts')).provenance?.id, 'format');

      // Nothing more to do: a second update writes nothing and keeps the edit.
      const before = mtimes(root);
      const again = await run(['update']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /kept +src\/patterns\/greet\.ts +your edits, already on 0\.1\.0/);
      assert.deepEqual(mtimes(root), before);
    });

    it('writes conflict markers only where both changed, takes the rest, exits 1; a rerun refuses until resolved', async () => {
      const { root, run } = await projectFrom09();
      editLine(root, 'export const line3 = 3;', 'export const line3 = 33;');
      const result = await run(['update']);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /conflicts +src\/patterns\/greet\.ts +1 conflict: resolve the <<<<<<< markers/);
      assert.deepEqual(lines(result.stderr), ['1 file needs your attention: src/patterns/greet.ts']);
      const text = read(root, GREET);
      assert.ok(
        text.includes(
          '<<<<<<< your copy (src/patterns/greet.ts)\nexport const line3 = 33;\n||||||| bulwark 0.0.9\nexport const line3 = 3;\n=======\nexport const line3 = 300;\n>>>>>>> bulwark 0.1.0\n',
        ),
        text,
      );
      assert.equal(text.match(/^<<<<<<< /gm)?.length, 1, 'one conflict region only');
      assert.ok(text.includes('export const line18 = 1800;') && text.includes("import { format } from './format.js';"), 'non-conflicting new code is taken');

      const rerun = await run(['update']);
      assert.equal(rerun.code, 1);
      assert.match(rerun.stdout, /unresolved +src\/patterns\/greet\.ts +still has conflict markers/);
      assert.equal(read(root, GREET), text, 'left exactly as it was');

      // Resolved by hand: the copy is an edit of 0.1.0 and update is clean again.
      write(root, GREET, text.replace(/<<<<<<< [^\n]*\n([^\n]*\n)[\s\S]*?>>>>>>> [^\n]*\n/, '$1'));
      const resolved = await run(['update']);
      assert.equal(resolved.code, 0, resolved.stdout);
      assert.match(read(root, GREET), /^export const line3 = 33;$/m);
    });

    it('leaves an edited copy whose origin is unknown alone, and exits 1', async () => {
      const { root, run } = await projectFrom09();
      const foreign = read(root, GREET)
        .replace(/sha256:[0-9a-f]{16}/, 'sha256:00000000deadbeef')
        .replace('line10 = 10', 'line10 = 12');
      write(root, GREET, foreign);
      const result = await run(['update', 'greet']);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /kept +src\/patterns\/greet\.ts +edited, and the version it came from is unknown/);
      assert.equal(read(root, GREET), foreign);
    });

    it('updates only the named patterns, and --dry-run writes nothing', async () => {
      const { root, run } = await projectFrom09();
      const before = mtimes(root);
      const dry = await run(['update', '--dry-run']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /^Would update src\/patterns to catalog 0\.1\.0:/);
      assert.deepEqual(mtimes(root), before);

      const greetBefore = read(root, GREET);
      const onlyLog = await run(['update', 'log']);
      assert.equal(onlyLog.code, 0, onlyLog.stderr);
      assert.equal(parseCopy(read(root, LOG)).provenance?.version, '0.1.0');
      assert.equal(read(root, GREET), greetBefore);
      assert.deepEqual(listFiles(join(root, 'src/patterns')), ['greet.ts', 'log.ts']);
    });

    it('finds copies by their record or header wherever they are in the folder, and keeps CRLF', async () => {
      const { root, run } = await projectFrom09();
      const moved = read(root, LOG).replace(/\n/g, '\r\n');
      write(root, 'src/patterns/logging.ts', moved);
      rmSync(join(root, LOG));
      const result = await run(['update', 'log']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /replaced +src\/patterns\/logging\.ts/);
      const text = read(root, 'src/patterns/logging.ts');
      assert.ok(!/[^\r]\n/.test(text), 'still CRLF');
      assert.equal(parseCopy(text).body, newer.files.find((file) => file.id === 'log')!.content);
    });

    it('fails with one line on an unknown pattern name, and says so when there is nothing to update', async () => {
      const { run } = await projectFrom09();
      const unknown = await run(['update', 'gret']);
      assert.deepEqual([unknown.code, unknown.stderr], [2, 'bulwark: Unknown pattern "gret". Valid names: log, format, greet\n']);
      const empty = makeProject();
      const none = await bulwark(['update'], { cwd: empty });
      assert.deepEqual([none.code, none.stdout], [0, 'No Bulwark copies in src/patterns. Add one with `bulwark add <pattern>`.\n']);
    });
  });

  it('proof on the real runtime: a copy inserted from the previous catalog version, edited in a non-conflicting region, keeps the edit and takes the new code (and compiles)', async () => {
    const real = JSON.parse(readFileSync(join(CLI, '..', 'catalog.json'), 'utf8')) as Catalog;
    const retry = real.files.find((file) => file.id === 'retry');
    assert.ok(retry, 'the real catalog has retry');
    const retryLines = retry.content.split('\n');
    const count = (line: string) => retryLines.filter((other) => other === line).length;
    // The previous version lacked one line of code three quarters down; the user adds a note a
    // quarter down: far apart, so the merge must take both.
    const removed = retryLines.findIndex((line, index) => index > retryLines.length * 0.75 && line.trim().length > 10 && count(line) === 1);
    const editedAfter = retryLines.findIndex((line, index) => index > retryLines.length * 0.25 && line.trim().endsWith(';') && !line.includes('`'));
    assert.ok(removed > 0 && editedAfter > 0 && removed - editedAfter > 5);
    const previousContent = retryLines.filter((_, index) => index !== removed).join('\n');

    const sources = real.files.map((file) => ({ path: `${file.id}.ts`, content: file.content }));
    const previous = buildCatalog(
      sources.map((file) => (file.path === 'retry.ts' ? { ...file, content: previousContent } : file)),
      '0.0.9',
    );
    const current = buildCatalog(sources, real.version, [releaseOf(previous)]);
    assert.equal(current.history[sha256(previousContent)]?.version, '0.0.9', 'the catalog keeps the previous release as the merge base');

    const root = makeProject({ manifest: { type: 'module' }, linkNodeModules: true });
    const previousPath = writeCatalog(root, 'previous.json', previous);
    const currentPath = writeCatalog(root, 'current.json', current);
    assert.equal((await bulwark(['add', 'retry'], { cwd: root, env: { BULWARK_CATALOG: previousPath } })).code, 0);

    const note = '  // our note: tuned for the payments API';
    const copyLines = read(root, 'src/patterns/retry.ts').split('\n');
    copyLines.splice(editedAfter + 2, 0, note); // +1 for the provenance line, +1 to go after it
    write(root, 'src/patterns/retry.ts', copyLines.join('\n'));

    const update = await bulwark(['update'], { cwd: root, env: { BULWARK_CATALOG: currentPath } });
    assert.equal(update.code, 0, `${update.stdout}\n${update.stderr}`);
    assert.match(update.stdout, /merged +src\/patterns\/retry\.ts/);
    const expected = [...retryLines];
    expected.splice(editedAfter + 1, 0, note);
    const merged = parseCopy(read(root, 'src/patterns/retry.ts'));
    assert.equal(merged.body, expected.join('\n'), 'the new line is in, the note is kept, nothing else changed');
    assert.equal(merged.provenance?.version, real.version);

    const tsc = await promisify(execFile)(TSC, ['--noEmit', '-p', root], { cwd: root }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? 'tsc failed',
    );
    assert.equal(tsc, '', 'the merged copy compiles');
  });

  it('headers alone (a copy without a provenance line) are found too', async () => {
    const root = makeProject();
    const newerPath = writeCatalog(root, 'catalog.json', newer);
    const log09 = older.files.find((file) => file.id === 'log')!;
    mkdirSync(join(root, 'src/patterns'), { recursive: true });
    write(root, LOG, log09.content);
    assert.ok(log09.content.startsWith(headerOf('log', { packages: ['pino'] })));
    const result = await bulwark(['diff'], { cwd: root, env: { BULWARK_CATALOG: newerPath } });
    assert.match(result.stdout, /^src\/patterns\/log\.ts +outdated untouched copy of 0\.0\.9/m);
  });
});
