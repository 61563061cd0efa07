// One build for everything that ships: the ESLint plugin, the pattern catalog, the snippets,
// and the esbuild bundles of the extension and the CLI. `--watch` rebuilds the bundles on change.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import * as esbuild from 'esbuild';

function run(cmd, args) {
  try {
    execFileSync(cmd, args, { stdio: 'inherit' });
  } catch {
    console.error(`build: step failed: ${cmd} ${args.join(' ')}`);
    process.exit(1);
  }
}
const production = !process.argv.includes('--dev');

if (!process.argv.includes('--skip-plugin')) run('npm', ['--workspace', 'eslint-plugin', 'run', 'build', '--silent']);
run('npx', ['tsx', 'scripts/build-catalog.ts']);
run('npx', ['tsx', 'scripts/build-snippets.ts']);

mkdirSync('dist', { recursive: true });
// The catalog stays out of the main bundle (it is most of the bytes) and is read on first use.
copyFileSync('runtime/catalog.json', 'dist/catalog.json');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: production ? false : 'inline',
  logLevel: 'warning',
  legalComments: 'none',
};

const entries = [
  { entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
].filter((entry) => existsSync(entry.entryPoints[0]));

await Promise.all(entries.map((entry) => esbuild.build({ ...common, ...entry })));
console.log(`bundles: ${entries.map((entry) => entry.outfile).join(', ')}`);
