// One build for everything that ships: the ESLint plugin, the pattern catalog, the snippets,
// and the esbuild bundles of the extension and the CLI. `--watch` rebuilds the bundles on change.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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
// Prefer packages' ES module builds: UMD builds (jsonc-parser's) hide their requires from esbuild.
const preferModules = { mainFields: ['module', 'main'] };

const eslintShim = {
  name: 'eslint-shim',
  setup(build) {
    const shim = path.resolve('src/linter/eslint-shim.ts');
    build.onResolve({ filter: /^eslint(\/use-at-your-own-risk)?$/ }, () => ({ path: shim }));
    // The plugin reads its package.json beside dist/ at load time; inside this bundle there is
    // no such file, so its name and version are inlined.
    build.onLoad({ filter: /eslint-plugin[\\/]src[\\/]index\.ts$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const read = "readFileSync(new URL('../package.json', import.meta.url), 'utf8')";
      if (!source.includes(read)) throw new Error('eslint-plugin/src/index.ts no longer reads its package.json the way build.mjs inlines');
      const { name, version } = JSON.parse(readFileSync('eslint-plugin/package.json', 'utf8'));
      return { contents: source.replace(read, JSON.stringify(JSON.stringify({ name, version }))), loader: 'ts' };
    });
  },
};

const entries = [
  { entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode'], ...preferModules },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, ...preferModules },
  // Loaded lazily by the extension on first lint: ESLint + the TypeScript parser + the rules.
  { entryPoints: ['src/linter/lint.ts'], outfile: 'dist/linter.js', plugins: [eslintShim] },
  // The thread that runs it, so linting never blocks the extension host.
  { entryPoints: ['src/linter/worker.ts'], outfile: 'dist/linter-worker.js' },
].filter((entry) => existsSync(entry.entryPoints[0]));

await Promise.all(entries.map((entry) => esbuild.build({ ...common, ...entry })));
console.log(`bundles: ${entries.map((entry) => entry.outfile).join(', ')}`);
