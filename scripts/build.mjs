// One build for everything that ships: the ESLint plugin, the pattern catalog, the snippets,
// and the esbuild bundles of the extension, the CLI and the linter.
//   node scripts/build.mjs                 production build (minified)
//   node scripts/build.mjs --dev           with inline source maps
//   node scripts/build.mjs --skip-plugin   reuse eslint-plugin/dist as it is
//   node scripts/build.mjs --watch         build, then rebuild the bundles when src/ changes and
//                                          the catalog and snippets when runtime/ changes
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const args = new Set(process.argv.slice(2));
const watching = args.has('--watch');
const production = !args.has('--dev') && !watching;

function run(cmd, cmdArgs) {
  try {
    execFileSync(cmd, cmdArgs, { stdio: 'inherit' });
    return true;
  } catch {
    console.error(`build: step failed: ${cmd} ${cmdArgs.join(' ')}`);
    // While watching, a broken runtime file is reported and the next save tries again.
    if (!watching) process.exit(1);
    return false;
  }
}

function buildCatalogAndSnippets() {
  if (!run('npx', ['tsx', 'scripts/build-catalog.ts']) || !run('npx', ['tsx', 'scripts/build-snippets.ts'])) return;
  mkdirSync('dist', { recursive: true });
  // The catalog stays out of the main bundle (it is most of the bytes) and is read on first use.
  copyFileSync('runtime/catalog.json', 'dist/catalog.json');
}

if (!args.has('--skip-plugin')) run('npm', ['--workspace', 'eslint-plugin', 'run', 'build', '--silent']);
buildCatalogAndSnippets();

// The plugin is bundled from its package entry (eslint-plugin-bulwark → eslint-plugin/dist), as a
// user's ESLint loads it. It reads its name and version from `new URL('../package.json',
// import.meta.url)`; a CommonJS bundle has no import.meta, so the linter bundle defines it as the
// plugin's place beside the bundle, dist/eslint-plugin/dist/index.js, and ships that package.json.
const pluginManifest = JSON.parse(readFileSync('eslint-plugin/package.json', 'utf8'));
mkdirSync('dist/eslint-plugin', { recursive: true });
writeFileSync('dist/eslint-plugin/package.json', `${JSON.stringify({ name: pluginManifest.name, version: pluginManifest.version })}\n`);
const pluginLocation = {
  define: { 'import.meta.url': '__bulwarkPluginUrl' },
  banner: { js: "var __bulwarkPluginUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, 'eslint-plugin', 'dist', 'index.js')).href;" },
};

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
  },
};

const entries = [
  { entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode'], ...preferModules },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, ...preferModules },
  // Loaded lazily by the extension on first lint: ESLint + the TypeScript parser + the rules.
  { entryPoints: ['src/linter/lint.ts'], outfile: 'dist/linter.js', plugins: [eslintShim], ...pluginLocation },
  // The thread that runs it, so linting never blocks the extension host.
  { entryPoints: ['src/linter/worker.ts'], outfile: 'dist/linter-worker.js' },
];
const missing = entries.flatMap((entry) => entry.entryPoints).filter((entry) => !existsSync(entry));
if (missing.length) {
  console.error(`build: entry point(s) missing: ${missing.join(', ')} (fix scripts/build.mjs if they moved)`);
  process.exit(1);
}

if (!watching) {
  await Promise.all(entries.map((entry) => esbuild.build({ ...common, ...entry })));
  console.log(`bundles: ${entries.map((entry) => entry.outfile).join(', ')}`);
} else {
  const rebuilt = {
    name: 'report',
    setup(build) {
      build.onEnd((result) => console.log(`[watch] ${build.initialOptions.outfile}: ${result.errors.length ? `${result.errors.length} error(s)` : 'rebuilt'}`));
    },
  };
  const contexts = await Promise.all(entries.map((entry) => esbuild.context({ ...common, ...entry, plugins: [...(entry.plugins ?? []), rebuilt] })));
  await Promise.all(contexts.map((context) => context.watch()));
  let pending;
  watch('runtime/src', { recursive: true }, () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      console.log('[watch] runtime/src changed: catalog and snippets');
      buildCatalogAndSnippets();
    }, 200);
  });
  console.log('[watch] watching src/ (bundles) and runtime/src/ (catalog, snippets); Ctrl+C to stop');
  process.on('SIGINT', async () => {
    await Promise.all(contexts.map((context) => context.dispose()));
    process.exit(0);
  });
}
