import assert from 'node:assert/strict';
import { detectPackageManager, frameworksOf, installCommand, ManifestError, missingPackages, parsePackageJson } from '../../src/engine/project';

describe('engine: project facts', () => {
  it('detects the package manager from the lockfile, package.json "packageManager" first', () => {
    assert.equal(detectPackageManager(['package.json']), 'npm');
    assert.equal(detectPackageManager(['pnpm-lock.yaml', 'package-lock.json']), 'pnpm');
    assert.equal(detectPackageManager(['yarn.lock']), 'yarn');
    assert.equal(detectPackageManager(['bun.lockb']), 'bun');
    assert.equal(detectPackageManager(['package-lock.json'], { packageManager: 'yarn@4.1.0' }), 'yarn');
  });

  it("builds install commands, runtime and dev apart, in each manager's words", () => {
    const needs = [
      { name: 'pino', dev: false },
      { name: '@types/express', dev: true },
      { name: 'hono', dev: false },
    ];
    assert.deepEqual(installCommand('npm', needs), ['npm install pino hono', 'npm install -D @types/express']);
    assert.deepEqual(installCommand('pnpm', needs), ['pnpm add pino hono', 'pnpm add -D @types/express']);
    assert.deepEqual(installCommand('bun', needs.slice(1, 2)), ['bun add -D @types/express']);
    assert.deepEqual(installCommand('yarn', []), []);
  });

  it('finds missing packages and frameworks across dependency kinds', () => {
    const manifest = { dependencies: { hono: '^4' }, devDependencies: { '@types/express': '^5', express: '^5' } };
    assert.deepEqual(
      missingPackages(manifest, [
        { name: 'pino', dev: false },
        { name: 'hono', dev: false },
        { name: '@types/express', dev: true },
      ]),
      [{ name: 'pino', dev: false }],
    );
    assert.deepEqual(frameworksOf(manifest), ['express', 'hono']);
    assert.deepEqual(frameworksOf(undefined), []);
  });

  it('rejects a package.json that is not a JSON object, naming the file', () => {
    assert.throws(
      () => parsePackageJson('{ nope', 'app/package.json'),
      (error: unknown) => error instanceof ManifestError && /^app\/package\.json is not valid JSON/.test(error.message),
    );
    assert.throws(() => parsePackageJson('[]'), /package\.json must contain a JSON object/);
    assert.deepEqual(parsePackageJson('{"name":"x"}'), { name: 'x' });
  });
});
