import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../../src/engine/catalog';
import { bulwark, CLI, makeProject, read, removeProjects, write } from './harness';

const realCatalog = () => JSON.parse(readFileSync(join(CLI, '..', 'catalog.json'), 'utf8')) as Catalog;
const ESCAPE = '\u001b[';

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `input`. */
function onTerminal(args: string, cwd: string, input: string, env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `${process.execPath} ${CLI} ${args}`, '/dev/null'], {
      cwd,
      env: { ...process.env, NO_COLOR: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let answered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // Answer once the question is on screen (readline follows it with cursor codes).
      if (input && !answered && /\[(Y\/n|y\/N)\]/.test(output)) {
        answered = true;
        child.stdin.end(input);
      }
    });
    if (!input) child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('cli: list, help, init, configuration', function () {
  this.timeout(120_000);
  after(removeProjects);

  it('lists every pattern with summary, uses, packages and adapters', async () => {
    const root = makeProject();
    const result = await bulwark(['list'], { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    const catalog = realCatalog();
    for (const pattern of new Set(catalog.files.map((file) => file.pattern))) {
      const summary = (catalog.files.find((file) => file.id === pattern) ?? catalog.files.find((file) => file.pattern === pattern))!.summary;
      assert.ok(result.stdout.includes(`${pattern}  ${summary}`), `${pattern} with its summary`);
    }
    assert.match(result.stdout, /^ {2}uses: log · packages: pino · frameworks: express, fastify, hono$/m);
    assert.ok(!result.stdout.includes(ESCAPE), 'no colour in a pipe');
  });

  it('lists as JSON: names, summaries, dependencies, packages, adapters', async () => {
    const result = await bulwark(['list', '--json'], { cwd: makeProject() });
    const listing = JSON.parse(result.stdout) as {
      version: string;
      patterns: Array<{ name: string; uses: string[]; packages: unknown[]; frameworks: string[]; files: string[] }>;
    };
    assert.equal(listing.version, realCatalog().version);
    const middleware = listing.patterns.find((pattern) => pattern.name === 'middleware');
    assert.deepEqual(middleware?.uses, ['log']);
    assert.deepEqual(middleware?.frameworks, ['express', 'fastify', 'hono']);
    assert.deepEqual(middleware?.packages, [{ name: 'pino', dev: false }]);
    assert.deepEqual(
      listing.patterns.map((pattern) => pattern.name),
      [...new Set(realCatalog().files.map((file) => file.pattern))],
    );
  });

  it('prints help for the CLI and for each command, even with a broken catalog', async () => {
    const root = makeProject();
    const broken = { BULWARK_CATALOG: join(root, 'nope.json') };
    const main = await bulwark(['--help'], { cwd: root, env: broken });
    assert.equal(main.code, 0);
    assert.match(main.stdout, /^Usage: bulwark <command> \[options\]/);
    for (const command of ['list', 'add', 'diff', 'update', 'init']) {
      const help = await bulwark([command, '--help'], { cwd: root, env: broken });
      assert.equal(help.code, 0, command);
      assert.match(help.stdout, new RegExp(`^Usage: bulwark ${command}\\b`), command);
      const viaHelp = await bulwark(['help', command], { cwd: root, env: broken });
      assert.equal(viaHelp.stdout, help.stdout);
    }
    const bare = await bulwark([], { cwd: root });
    assert.equal(bare.code, 2, 'no command is a usage error, with the help');
    assert.match(bare.stdout, /^Usage: bulwark/);
    assert.match((await bulwark(['--version'], { cwd: root })).stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('fails with one line on an unknown command, and on an unreadable or invalid catalog', async () => {
    const root = makeProject({ files: { 'bad.json': '{"version": 1}' } });
    const unknown = await bulwark(['ad', 'log'], { cwd: root });
    assert.deepEqual([unknown.code, unknown.stderr], [2, 'bulwark: unknown command "ad" (commands: list, add, diff, update, init; see `bulwark --help`)\n']);
    const missing = await bulwark(['list'], { cwd: root, env: { BULWARK_CATALOG: 'nope.json' } });
    assert.deepEqual([missing.code, missing.stderr], [1, `bulwark: cannot read the pattern catalog at ${join(root, 'nope.json')}: ENOENT\n`]);
    const invalid = await bulwark(['list'], { cwd: root, env: { BULWARK_CATALOG: 'bad.json' } });
    assert.deepEqual(
      [invalid.code, invalid.stderr],
      [1, `bulwark: the pattern catalog at ${join(root, 'bad.json')} is not a Bulwark catalog (expected version, files and history)\n`],
    );
  });

  describe('init', () => {
    it("writes bulwark.json with the folder, the tsconfig alias and the lockfile's package manager; refuses to overwrite", async () => {
      const tsconfig = '{\n  // comments and trailing commas, as tsc allows\n  "compilerOptions": {\n    "paths": { "@/*": ["./src/*"], },\n  },\n}\n';
      const root = makeProject({ files: { 'tsconfig.json': tsconfig, 'yarn.lock': '' } });
      const result = await bulwark(['init'], { cwd: root });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'Wrote bulwark.json: patterns in src/patterns, imported as @/patterns/…, packages installed with yarn\n');
      assert.deepEqual(JSON.parse(read(root, 'bulwark.json')), { patternsDir: 'src/patterns', importStyle: '@/', packageManager: 'yarn' });

      const again = await bulwark(['init', '--dir', 'lib'], { cwd: root });
      assert.deepEqual([again.code, again.stderr], [1, 'bulwark: bulwark.json already exists; use --force to overwrite it\n']);
      const forced = await bulwark(['init', '--force', '--dir', 'lib/patterns', '--import-style', 'relative', '--package-manager', 'pnpm'], { cwd: root });
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(forced.stdout, 'Wrote bulwark.json: patterns in lib/patterns, imported relatively, packages installed with pnpm\n');
      assert.deepEqual(JSON.parse(read(root, 'bulwark.json')), { patternsDir: 'lib/patterns', importStyle: 'relative', packageManager: 'pnpm' });
    });

    it('then drives add: its folder and package manager are used when no flag says otherwise', async () => {
      const root = makeProject();
      assert.equal((await bulwark(['init', '--dir', 'app/bw', '--package-manager', 'bun'], { cwd: root })).code, 0);
      const added = await bulwark(['add', 'log'], { cwd: root });
      assert.equal(added.code, 0, added.stderr);
      assert.ok(existsSync(join(root, 'app/bw/log.ts')));
      assert.match(added.stdout, /^ {2}bun add pino$/m);
    });

    it('rejects a bad package manager, and bulwark.json with a wrong type or an unknown key', async () => {
      const root = makeProject();
      const bad = await bulwark(['init', '--package-manager', 'pip'], { cwd: root });
      assert.deepEqual([bad.code, bad.stderr], [2, 'bulwark: --package-manager must be one of npm, pnpm, yarn, bun (got "pip")\n']);
      write(root, 'bulwark.json', '{ "patternsDir": 3 }');
      const wrongType = await bulwark(['add', 'log'], { cwd: root });
      assert.deepEqual([wrongType.code, wrongType.stderr], [1, `bulwark: bulwark.json: "patternsDir" must be a non-empty string\n`]);
      write(root, 'bulwark.json', '{ "patternDir": "src" }');
      const typo = await bulwark(['diff'], { cwd: root });
      assert.deepEqual(
        [typo.code, typo.stderr],
        [1, `bulwark: bulwark.json: unknown setting "patternDir" (known: patternsDir, importStyle, packageManager)\n`],
      );
      write(root, 'bulwark.json', '{ nope');
      assert.match((await bulwark(['update'], { cwd: root })).stderr, /^bulwark: .*bulwark\.json is not valid JSON/);
    });

    it('reads importStyle, and names the rename of the importAlias that nothing read', async () => {
      const root = makeProject({ files: { 'tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }' } });
      write(root, 'bulwark.json', '{ "importAlias": "@/patterns" }');
      const renamed = await bulwark(['add', 'log'], { cwd: root });
      assert.deepEqual(
        [renamed.code, renamed.stderr],
        [1, `bulwark: bulwark.json: "importAlias" is now "importStyle": "relative" or a tsconfig paths prefix such as "@/"\n`],
      );
      write(root, 'bulwark.json', '{ "importStyle": "@/" }');
      const added = await bulwark(['add', 'log'], { cwd: root });
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, /^Import it from '@\/patterns\/log' \(bulwark\.json importStyle @\/\)\.$/m);
    });
  });

  describe('on a terminal', function () {
    before(function () {
      if (!hasScript) this.skip();
    });

    it('colours output on a TTY, and not with NO_COLOR', async () => {
      const root = makeProject();
      assert.ok((await onTerminal('list', root, '')).output.includes(ESCAPE));
      assert.ok(!(await onTerminal('list', root, '', { NO_COLOR: '1' })).output.includes(ESCAPE));
    });

    it('asks before writing; "n" writes nothing, "y" writes, --yes does not ask', async () => {
      const root = makeProject();
      const declined = await onTerminal('add log', root, 'n\n');
      assert.equal(declined.code, 1, declined.output);
      assert.match(declined.output, /Write 1 file\? \[Y\/n\]/);
      assert.ok(!existsSync(join(root, 'src/patterns/log.ts')));
      const accepted = await onTerminal('add log', root, 'y\n');
      assert.equal(accepted.code, 0, accepted.output);
      assert.ok(existsSync(join(root, 'src/patterns/log.ts')));
      const other = makeProject();
      const unasked = await onTerminal('add log --yes', other, '');
      assert.equal(unasked.code, 0, unasked.output);
      assert.ok(!unasked.output.includes('[Y/n]'));
      assert.ok(existsSync(join(other, 'src/patterns/log.ts')));
    });
  });
});
