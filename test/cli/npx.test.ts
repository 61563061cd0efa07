// The CLI as users get it: `npm pack` of this package, run with `npx --package <tarball> bulwark`
// from an unrelated folder, with no node_modules of ours in reach.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO } from './harness';

describe('CLI: the packed package through npx', function () {
  this.timeout(180_000);
  let folder: string;
  let tarball: string;
  let files: string[];

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run the build first`);
    folder = mkdtempSync(join(tmpdir(), 'bulwark-npx-'));
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', folder], { cwd: REPO, encoding: 'utf8' })) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    tarball = join(folder, packed[0]!.filename);
    files = packed[0]!.files.map((file) => file.path).sort();
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('holds only the CLI bundle, its catalog, the manifest, readme and license (.npmignore)', () => {
    assert.deepEqual(files, ['LICENSE', 'README.md', 'dist/catalog.json', 'dist/cli.js', 'package.json']);
  });

  it('runs `bulwark list --json` and `bulwark add` from a project of its own', () => {
    const project = join(folder, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{ "name": "npx-user", "private": true, "type": "module" }\n');
    // A cache of its own, and none of the npm_* settings `npm test` passes down to this process.
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
    env['npm_config_cache'] = join(folder, 'npm-cache');
    env['npm_config_update_notifier'] = 'false';
    const npx = (...args: string[]) => execFileSync('npx', ['--yes', '--package', tarball, 'bulwark', ...args], { cwd: project, env, encoding: 'utf8' });
    const listed = JSON.parse(npx('list', '--json')) as { version: string; patterns: Array<{ name: string }> };
    assert.equal(listed.version, JSON.parse(readFileSync(join(REPO, 'runtime', 'package.json'), 'utf8')).version);
    const names = listed.patterns.map((pattern) => pattern.name);
    assert.ok(names.includes('retry') && names.includes('cache'), `listed: ${names.join(', ')}`);
    npx('add', 'retry', '--dir', 'src/patterns', '--yes');
    const written = readFileSync(join(project, 'src', 'patterns', 'retry.ts'), 'utf8');
    assert.equal(written.split('\n').slice(1).join('\n'), readFileSync(join(REPO, 'runtime', 'src', 'retry.ts'), 'utf8'));
  });
});
