// One build for everything that ships: the ESLint plugin, the pattern catalog, the snippets,
// and the extension and CLI bundles. Each step lives in its own module under scripts/build/.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

if (existsSync('eslint-plugin/tsconfig.build.json')) run('npm', ['--workspace', 'eslint-plugin', 'run', 'build']);
