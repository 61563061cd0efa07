import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Catalog } from '../../src/engine/catalog';
import { buildCatalog } from '../../src/engine/catalog-build';
import { parseCopy } from '../../src/engine/provenance';
import { releaseOf, sampleSources } from '../engine/fixtures';
import { startLocalRegistry } from './local-registry';
import { bulwark, CLI, listFiles, makeBareFolder, makeProject, mtimes, read, removeProjects, shareReadOnly, TSC, write, writeCatalog } from './harness';

const realCatalog = () => JSON.parse(readFileSync(join(CLI, '..', 'catalog.json'), 'utf8')) as Catalog;
const lines = (text: string) => text.trimEnd().split('\n');

describe('cli: bulwark add', function () {
  // Child processes and tsc on a shared 2-core machine: generous, never asserted on.
  this.timeout(180_000);
  after(removeProjects);

  it('adds every catalog file into a fresh project, which then compiles with tsc --noEmit (strict, NodeNext, ESM)', async () => {
    const root = makeProject({ manifest: { type: 'module' }, linkNodeModules: true });
    const ids = realCatalog().files.map((file) => file.id);
    const result = await bulwark(['add', ...ids], { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(listFiles(join(root, 'src/patterns')), ids.map((id) => `${id}.ts`).sort());
    for (const file of realCatalog().files) {
      const copy = parseCopy(read(root, `src/patterns/${file.id}.ts`));
      assert.equal(copy.provenance?.id, file.id);
      assert.equal(copy.body, file.content, `${file.id} is the runtime file byte for byte`);
    }
    // The patterns' imports resolve through the repository's node_modules (symlinked into the
    // project), exactly as they would after `npm install` of the printed packages.
    const tsc = await promisify(execFile)(TSC, ['--noEmit', '-p', root], { cwd: root }).then(
      () => ({ ok: true, output: '' }),
      (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    assert.ok(tsc.ok, `tsc --noEmit failed:\n${tsc.output}`);
  });

  it('writes a pattern with its dependency closure, prints the packages and the npm command; twice is a no-op', async () => {
    const root = makeProject();
    const first = await bulwark(['add', 'retry'], { cwd: root });
    assert.equal(first.code, 0, first.stderr);
    const written = listFiles(join(root, 'src/patterns'));
    assert.ok(written.includes('retry.ts') && written.includes('log.ts'), `retry and the log it uses: ${written.join(', ')}`);
    assert.match(first.stdout, /created\s+src\/patterns\/log\.ts/);
    assert.match(first.stdout, /need npm packages your package\.json lacks: pino/);
    assert.match(first.stdout, /^ {2}npm install pino$/m);

    const before = mtimes(root);
    const contents = written.map((path) => read(root, `src/patterns/${path}`));
    const second = await bulwark(['add', 'retry'], { cwd: root });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Already up to date; nothing to write\./);
    assert.match(second.stdout, /unchanged\s+src\/patterns\/retry\.ts/);
    assert.deepEqual(mtimes(root), before, 'no file was touched');
    assert.deepEqual(
      written.map((path) => read(root, `src/patterns/${path}`)),
      contents,
    );
  });

  it("uses the lockfile's package manager for the install command, runtime and dev apart", async () => {
    const root = makeProject({ manifest: { dependencies: { express: '^5.0.0' } }, files: { 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" } });
    const result = await bulwark(['add', 'middleware'], { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(join(root, 'src/patterns/middleware/express.ts')), 'the Express adapter, from package.json');
    assert.ok(!existsSync(join(root, 'src/patterns/middleware/hono.ts')));
    assert.match(result.stdout, /^ {2}pnpm add pino$/m);
    assert.match(result.stdout, /^ {2}pnpm add -D @types\/express$/m);
  });

  it('installs the packages with --install, using the real package manager (a local registry, an empty npm cache)', async () => {
    const root = makeProject();
    const registry = await startLocalRegistry([{ name: 'pino', version: '9.0.0' }]);
    const npmConfig = {
      npm_config_registry: registry.url,
      npm_config_cache: registry.cache,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const result = await bulwark(['add', 'log', '--install'], { cwd: root, env: npmConfig }).finally(() => registry.close());
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /\$ npm install pino/);
    const manifest = JSON.parse(read(root, 'package.json')) as { dependencies?: Record<string, string> };
    assert.ok(manifest.dependencies?.pino, 'pino is now a dependency');
    assert.ok(existsSync(join(root, 'node_modules/pino/package.json')));
  });

  describe('framework adapters', () => {
    it('asks for --framework, naming the options, when package.json has several frameworks', async () => {
      const root = makeProject({ manifest: { dependencies: { express: '^5.0.0', hono: '^4.0.0' } } });
      const result = await bulwark(['add', 'middleware'], { cwd: root });
      assert.equal(result.code, 2);
      assert.deepEqual(lines(result.stderr), [
        'bulwark: package.json depends on express and hono: choose the adapter with --framework express or --framework hono',
      ]);
      assert.deepEqual(
        listFiles(root).filter((path) => path.startsWith('src')),
        [],
        'nothing written',
      );
    });

    it('takes --framework over package.json', async () => {
      const root = makeProject({ manifest: { dependencies: { express: '^5.0.0', hono: '^4.0.0' } } });
      const result = await bulwark(['add', 'middleware', '--framework', 'fastify'], { cwd: root });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(listFiles(join(root, 'src/patterns')), ['log.ts', 'middleware.ts', 'middleware/fastify.ts']);
    });

    it('adds the framework-neutral part, and says so, when package.json has no framework', async () => {
      const root = makeProject();
      const result = await bulwark(['add', 'middleware'], { cwd: root });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(listFiles(join(root, 'src/patterns')), ['log.ts', 'middleware.ts']);
      assert.match(result.stderr, /note: middleware has framework adapters, but package\.json depends on no supported framework/);
    });

    it('rejects an unknown framework name', async () => {
      const root = makeProject();
      const result = await bulwark(['add', 'middleware', '--framework', 'koa'], { cwd: root });
      assert.equal(result.code, 2);
      assert.deepEqual(lines(result.stderr), ['bulwark: --framework must be one of express, hono, fastify (got "koa")']);
    });

    it('rejects a framework a pattern has no adapter for', async () => {
      const dir = makeProject();
      const sources = sampleSources().filter((file) => file.path !== 'greet/hono.ts');
      const catalog = writeCatalog(dir, 'catalog.json', buildCatalog(sources, '1.0.0'));
      const result = await bulwark(['add', 'greet', '--framework', 'hono'], { cwd: dir, env: { BULWARK_CATALOG: catalog } });
      assert.equal(result.code, 2);
      assert.deepEqual(lines(result.stderr), ['bulwark: greet has no hono adapter (it has express)']);
    });
  });

  describe('existing files', () => {
    it("refuses to overwrite a file with the user's edits: exit 1, one line, nothing written; --force overwrites", async () => {
      const root = makeProject();
      assert.equal((await bulwark(['add', 'log'], { cwd: root })).code, 0);
      const edited = `${read(root, 'src/patterns/log.ts')}\nexport const mine = true;\n`;
      write(root, 'src/patterns/log.ts', edited);

      const refused = await bulwark(['add', 'retry'], { cwd: root });
      assert.equal(refused.code, 1);
      assert.deepEqual(lines(refused.stderr), [
        'bulwark: src/patterns/log.ts has your edits; nothing was written (use --force to overwrite, or `bulwark update` to merge the new version in)',
      ]);
      assert.equal(read(root, 'src/patterns/log.ts'), edited);
      assert.ok(!existsSync(join(root, 'src/patterns/retry.ts')), 'all or nothing');

      const forced = await bulwark(['add', 'retry', '--force'], { cwd: root });
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(forced.stdout, /overwritten\s+src\/patterns\/log\.ts/);
      assert.ok(!read(root, 'src/patterns/log.ts').includes('export const mine'));
      assert.ok(existsSync(join(root, 'src/patterns/retry.ts')));
    });

    it("brings an untouched older copy up to date (nothing of the user's is lost)", async () => {
      const root = makeProject();
      const olderCatalog = buildCatalog(sampleSources({ log: `import { pino } from 'pino';\n\nexport const logger = pino({ level: 'warn' });\n` }), '0.9.0');
      const older = writeCatalog(root, 'older.json', olderCatalog);
      const newer = writeCatalog(root, 'newer.json', buildCatalog(sampleSources(), '1.0.0', [releaseOf(olderCatalog)]));
      assert.equal((await bulwark(['add', 'log'], { cwd: root, env: { BULWARK_CATALOG: older } })).code, 0);
      const result = await bulwark(['add', 'greet'], { cwd: root, env: { BULWARK_CATALOG: newer } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /updated\s+src\/patterns\/log\.ts \(untouched copy of 0\.9\.0\)/);
      assert.equal(parseCopy(read(root, 'src/patterns/log.ts')).provenance?.version, '1.0.0');
    });

    it('--dry-run reports the plan and writes nothing', async () => {
      const root = makeProject();
      const result = await bulwark(['add', 'retry', '--dry-run'], { cwd: root });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Would add to src\/patterns/);
      assert.match(result.stdout, /create\s+src\/patterns\/retry\.ts/);
      assert.ok(!existsSync(join(root, 'src')));
    });
  });

  describe('folders', () => {
    it('writes to --dir (relative to the current folder), and to bulwark.json "patternsDir" without it', async () => {
      const root = makeProject({ files: { 'bulwark.json': '{ "patternsDir": "lib/bw" }\n', 'app/.keep': '' } });
      assert.equal((await bulwark(['add', 'log'], { cwd: root })).code, 0);
      assert.ok(existsSync(join(root, 'lib/bw/log.ts')), 'from bulwark.json');
      const flagged = await bulwark(['add', 'log', '--dir', 'patterns'], { cwd: join(root, 'app') });
      assert.equal(flagged.code, 0, flagged.stderr);
      assert.ok(existsSync(join(root, 'app/patterns/log.ts')), 'the flag wins, relative to the current folder');
    });

    it('fails on a --dir whose parent folder does not exist (a typo must not create a stray tree)', async () => {
      const root = makeProject();
      const result = await bulwark(['add', 'log', '--dir', 'scr/lib/patterns'], { cwd: root });
      assert.equal(result.code, 1);
      assert.deepEqual(lines(result.stderr), ['bulwark: folder scr/lib does not exist (given by --dir scr/lib/patterns); create it or fix the path']);
      assert.ok(!existsSync(join(root, 'scr')));
    });

    it('fails on a --dir outside the project, and on a --dir that is a file', async () => {
      const root = makeProject({ files: { 'notes.txt': 'hi\n' } });
      const outside = await bulwark(['add', 'log', '--dir', '../elsewhere'], { cwd: root });
      assert.equal(outside.code, 1);
      assert.match(outside.stderr, /^bulwark: patterns folder \.\.\/elsewhere is outside the project at .+\n$/);
      const file = await bulwark(['add', 'log', '--dir', 'notes.txt'], { cwd: root });
      assert.equal(file.code, 1);
      assert.equal(file.stderr, 'bulwark: notes.txt exists and is not a folder\n');
    });

    it('fails outside any project (no package.json up the tree)', async () => {
      const bare = makeBareFolder();
      const result = await bulwark(['add', 'log'], { cwd: bare });
      assert.equal(result.code, 1);
      assert.deepEqual(lines(result.stderr), [
        `bulwark: no package.json in ${bare} or any folder above it: run bulwark inside a project (create one with \`npm init -y\`)`,
      ]);
    });

    it('fails with one line on an unwritable patterns folder', async () => {
      const root = makeProject();
      mkdirSync(join(root, 'src/patterns'), { recursive: true });
      const asRoot = process.getuid?.() === 0;
      // As root, permissions do not apply: run the CLI as `nobody` instead.
      if (asRoot) shareReadOnly(root);
      else chmodSync(join(root, 'src/patterns'), 0o555);
      try {
        const result = await bulwark(['add', 'log'], { cwd: root, ...(asRoot ? { uid: 65534 } : {}) });
        assert.equal(result.code, 1);
        assert.deepEqual(lines(result.stderr), ['bulwark: cannot write src/patterns/log.ts: permission denied']);
        assert.deepEqual(listFiles(join(root, 'src/patterns')), []);
      } finally {
        chmodSync(join(root, 'src/patterns'), 0o755);
      }
    });
  });

  describe('usage errors', () => {
    it('an unknown pattern: exit 2, one line listing the valid names, nothing written', async () => {
      const root = makeProject();
      const result = await bulwark(['add', 'retry', 'cahce'], { cwd: root });
      assert.equal(result.code, 2);
      const names = [...new Set(realCatalog().files.map((file) => file.pattern))].join(', ');
      assert.deepEqual(lines(result.stderr), [`bulwark: Unknown pattern "cahce". Valid names: ${names}`]);
      assert.ok(!existsSync(join(root, 'src')));
    });

    it('no pattern named, an unknown option, an option without its value', async () => {
      const root = makeProject();
      const none = await bulwark(['add'], { cwd: root });
      assert.deepEqual([none.code, none.stderr], [2, 'bulwark: name at least one pattern to add, e.g. `bulwark add retry` (see `bulwark list`)\n']);
      const unknown = await bulwark(['add', 'log', '--frobnicate'], { cwd: root });
      assert.deepEqual([unknown.code, unknown.stderr], [2, 'bulwark: unknown option --frobnicate (see `bulwark add --help`)\n']);
      const valueless = await bulwark(['add', 'log', '--dir'], { cwd: root });
      assert.deepEqual([valueless.code, valueless.stderr], [2, 'bulwark: option --dir needs a value (see `bulwark add --help`)\n']);
    });
  });
});
