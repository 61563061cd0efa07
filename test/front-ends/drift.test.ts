// The shared table of drifted behaviours (test/shared/drift-cases.ts) through both front-ends'
// adapters: the CLI, run in-process on a real temporary project, and the engine with the answers
// the extension's prompter gives (the real extension runs the same table in test/host).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main';
import { palette, type Io } from '../../src/cli/output';
import { userMessage } from '../../src/engine/errors';
import type { Prompter } from '../../src/engine/ports';
import { readProjectSettings } from '../../src/engine/project-settings';
import { add } from '../../src/engine/use-cases/add';
import { check } from '../../src/engine/use-cases/check';
import { update } from '../../src/engine/use-cases/update';
import { CURRENT, DRIFT_CASES, type DriftCase } from '../shared/drift-cases';
import { MemoryProjectFs } from '../shared/memory-project';

const PATTERNS = 'src/patterns';
type Outcome = Record<string, string> | { error: string };

interface Driver {
  /** Runs the case's command once; the outcome per file, or the error as the user reads it. */
  run(): Promise<Outcome>;
  read(path: string): string | undefined;
  /** The questions the user was asked. */
  readonly asked: string[];
}

/** `bulwark` in-process on a temporary project, reading its plain output. */
function cliDriver(testCase: DriftCase): Driver & { dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'bulwark-drift-'));
  writeFileSync(join(root, 'package.json'), '{ "name": "drift" }\n');
  writeFileSync(join(root, 'catalog.json'), JSON.stringify(CURRENT));
  for (const [path, text] of Object.entries(testCase.files)) {
    mkdirSync(dirname(join(root, PATTERNS, path)), { recursive: true });
    writeFileSync(join(root, PATTERNS, path), text);
  }
  const asked: string[] = [];
  const run = async (): Promise<Outcome> => {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      color: palette(false),
      interactive: false,
      cwd: root,
      env: { BULWARK_CATALOG: 'catalog.json' },
    };
    const args =
      testCase.command.kind === 'add'
        ? ['add', testCase.command.pattern, '--yes']
        : testCase.command.kind === 'update'
          ? ['update', '--yes']
          : ['diff', '--json'];
    const code = await main(args, io);
    const stderr = err.join('\n');
    if (code !== 0 && !stderr.includes('need your attention') && !stderr.includes('needs your attention')) {
      // `add` over an edited copy stops without --force: the CLI's answer to "overwrite?" is no.
      const kept = /^bulwark: (.+) (?:has|have) your edits; nothing was written/.exec(stderr);
      if (kept && testCase.command.kind === 'add') return cliDriverDryRun(root, testCase.command.pattern);
      return { error: stderr.replace(/^bulwark: /, '') };
    }
    if (testCase.command.kind === 'check') {
      const report = JSON.parse(out.join('\n')) as { files: Array<{ path: string; state: string }> };
      return Object.fromEntries(report.files.map((file) => [file.path.slice(PATTERNS.length + 1), file.state]));
    }
    const verdicts: Record<string, string> = {
      created: 'create',
      unchanged: testCase.command.kind === 'add' ? 'identical' : 'unchanged',
      updated: 'update',
      overwritten: 'edited',
    };
    return Object.fromEntries(
      out.flatMap((line) => {
        const match = /^ {2}(\S+) +(src\/patterns\/\S+)/.exec(line);
        if (!match) return [];
        const [, label = '', path = ''] = match;
        return [[path.slice(PATTERNS.length + 1), testCase.command.kind === 'add' ? (verdicts[label] ?? label) : label]];
      }),
    );
  };
  return {
    run,
    asked,
    read: (path) => {
      try {
        return readFileSync(join(root, PATTERNS, path), 'utf8');
      } catch {
        return undefined;
      }
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** What `bulwark add --dry-run` would do: the CLI's plan when it stops at an edited copy. */
async function cliDriverDryRun(root: string, pattern: string): Promise<Record<string, string>> {
  const out: string[] = [];
  const io: Io = {
    out: (text) => out.push(text),
    err: () => undefined,
    color: palette(false),
    interactive: false,
    cwd: root,
    env: { BULWARK_CATALOG: 'catalog.json' },
  };
  await main(['add', pattern, '--dry-run', '--force'], io);
  const labels: Record<string, string> = { create: 'create', unchanged: 'identical', update: 'update', overwrite: 'edited' };
  return Object.fromEntries(
    out.flatMap((line) => {
      const match = /^ {2}(\S+) +src\/patterns\/(\S+)/.exec(line);
      return match ? [[match[2] ?? '', labels[match[1] ?? ''] ?? '']] : [];
    }),
  );
}

/** The engine on an in-memory project, answered as the extension's QuickPickPrompter answers. */
function extensionDriver(testCase: DriftCase): Driver {
  const fs = new MemoryProjectFs(Object.fromEntries(Object.entries(testCase.files).map(([path, text]) => [`${PATTERNS}/${path}`, text])));
  const asked: string[] = [];
  const prompter: Prompter = {
    chooseFramework: async (question) => {
      asked.push(`framework for ${question.patterns.join(', ')}`);
      return undefined;
    },
    resolveEdited: async (copies) => {
      asked.push(`Replace / Keep mine: ${copies.map((copy) => copy.path).join(', ')}`);
      return 'keep';
    },
  };
  const run = async (): Promise<Outcome> => {
    try {
      const settings = await readProjectSettings(fs);
      const command = testCase.command;
      if (command.kind === 'check') return Object.fromEntries((await check(CURRENT, fs, settings.patternsDir)).copies.map((copy) => [copy.path, copy.state]));
      if (command.kind === 'update') {
        const plan = await update(CURRENT, fs, settings.patternsDir);
        for (const write of plan.writes) fs.write(write.path, write.text);
        return Object.fromEntries(plan.files.map((file) => [file.path, file.result]));
      }
      const result = await add(CURRENT, fs, settings, { names: [command.pattern] }, prompter);
      if (result.kind === 'cancelled') return { error: 'cancelled' };
      for (const write of result.writes) fs.write(write.path, write.text);
      return Object.fromEntries(result.files.map((file) => [file.path, file.verdict]));
    } catch (error) {
      return { error: userMessage(error) };
    }
  };
  return { run, asked, read: (path) => fs.files.get(`${PATTERNS}/${path}`) };
}

for (const [frontEnd, makeDriver] of [
  ['CLI', cliDriver],
  ['extension adapter', extensionDriver],
] as const) {
  describe(`issue 13 drift table: ${frontEnd}`, () => {
    for (const testCase of DRIFT_CASES) {
      it(testCase.name, async () => {
        const driver = makeDriver(testCase);
        try {
          const before = Object.fromEntries((testCase.untouched ?? []).map((path) => [path, driver.read(path)]));
          for (const [index, expected] of testCase.runs.entries()) {
            assert.deepEqual(sortKeys(await driver.run()), sortKeys(expected), `run ${index + 1}`);
          }
          for (const path of testCase.untouched ?? []) assert.equal(driver.read(path), before[path], `${path} is left as it was`);
          if (testCase.asks === false) assert.deepEqual(driver.asked, []);
        } finally {
          if ('dispose' in driver) driver.dispose();
        }
      });
    }
  });
}

function sortKeys(outcome: Outcome): Outcome {
  return Object.fromEntries(Object.entries(outcome).sort(([a], [b]) => a.localeCompare(b))) as Outcome;
}
