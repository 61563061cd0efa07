// One StrykerJS run with the options given as JSON (see scripts/mutation.mjs); cwd is runtime/.
// Stryker and its plugins live in the tools/mutation workspace (its mocha-runner needs Mocha 11 beside
// it), so the plugins are named by the absolute path of their entry module rather than found next to @stryker-mutator/core.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const tools = resolve(fileURLToPath(import.meta.url), '../../tools/mutation');
const require = createRequire(join(tools, 'package.json'));
const { Stryker } = await import(pathToFileURL(require.resolve('@stryker-mutator/core')).href);

const options = JSON.parse(process.argv[2]);
options.plugins = ['@stryker-mutator/mocha-runner', '@stryker-mutator/typescript-checker'].map((name) => require.resolve(name));
const stryker = new Stryker(options);
await stryker.runMutationTest();
process.exit(0);
