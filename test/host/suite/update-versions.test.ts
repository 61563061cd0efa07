// Updates across catalog versions in the real host, as `bulwark update` does them on the CLI: a copy
// inserted from the previous catalog is replaced when untouched, merged when edited elsewhere, and
// marked with conflict markers only where the user and the new version changed the same lines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Catalog } from '../../../src/engine/catalog';
import { buildCatalog } from '../../../src/engine/catalog-build';
import { repoRoot, resetWorkspace, workspacePath, writeWorkspaceFile } from './workspace';

interface Summary {
  path: string;
  state: string;
  baseVersion?: string;
}
interface Outcome {
  path: string;
  outcome: string;
}

const DIR = 'src/versioned-patterns';
const PREVIOUS = '0.0.9';

/**
 * The shipped catalog as the current version, and a previous one whose retry.ts lacked one line of
 * code three quarters down and whose log.ts lacked its last line. Returns the files' paths and the
 * lines the tests edit around.
 */
function writeCatalogs(folder: string) {
  const real = JSON.parse(fs.readFileSync(path.join(repoRoot, 'dist', 'catalog.json'), 'utf8')) as Catalog;
  const content = (id: string) => real.files.find((file) => file.id === id)?.content ?? assert.fail(`the catalog has no ${id}`);
  const retryLines = content('retry').split('\n');
  const unique = (line: string) => retryLines.filter((other) => other === line).length === 1;
  const added = retryLines.findIndex((line, index) => index > retryLines.length * 0.75 && line.trim().length > 10 && unique(line));
  const farAbove = retryLines.findIndex((line, index) => index > retryLines.length * 0.25 && line.trim().endsWith(';') && !line.includes('`') && unique(line));
  assert.ok(added > 0 && farAbove > 0 && added - farAbove > 5, 'two far-apart lines of retry.ts to work with');
  const logLines = content('log').trimEnd().split('\n');
  const previousFiles: Record<string, string> = {
    retry: retryLines.filter((_, index) => index !== added).join('\n'),
    log: `${logLines.slice(0, -1).join('\n')}\n`,
  };
  const sources = real.files.map((file) => ({ path: `${file.id}.ts`, content: file.content }));
  const previous = buildCatalog(
    sources.map((source) => ({ ...source, content: previousFiles[source.path.replace(/\.ts$/, '')] ?? source.content })),
    PREVIOUS,
  );
  const current = buildCatalog(sources, real.version, [
    { version: PREVIOUS, files: Object.fromEntries(previous.files.map((file) => [file.id, file.content])) },
  ]);
  const previousPath = path.join(folder, 'previous.json');
  const currentPath = path.join(folder, 'current.json');
  fs.writeFileSync(previousPath, JSON.stringify(previous));
  fs.writeFileSync(currentPath, JSON.stringify(current));
  return { previousPath, currentPath, version: real.version, retryLines, added, farAbove, logContent: content('log') };
}

describe('bulwark.updatePatterns across catalog versions', () => {
  let folder: string;
  let fixture: ReturnType<typeof writeCatalogs>;
  const useCatalog = (file: string | undefined) => {
    if (file === undefined) delete process.env['BULWARK_CATALOG'];
    else process.env['BULWARK_CATALOG'] = file;
  };
  const states = async () =>
    (await vscode.commands.executeCommand<Summary[]>('bulwark.checkPatterns', { show: false, dir: DIR }))
      ?.map((s) => `${s.path}:${s.state}:${s.baseVersion}`)
      .sort();
  const update = async () =>
    (await vscode.commands.executeCommand<Outcome[]>('bulwark.updatePatterns', { preview: false, dir: DIR }))?.map((o) => `${o.path}:${o.outcome}`).sort();
  const copyBody = (file: string) => fs.readFileSync(workspacePath(DIR, file), 'utf8').split('\n').slice(1).join('\n');
  const provenanceOf = (file: string) => fs.readFileSync(workspacePath(DIR, file), 'utf8').split('\n')[0];

  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bulwark-catalogs-'));
    fixture = writeCatalogs(folder);
  });
  beforeEach(async () => {
    await resetWorkspace(DIR);
    useCatalog(fixture.previousPath);
    const inserted = await vscode.commands.executeCommand<{ ok: boolean }>('bulwark.insertPattern', { pattern: 'retry', dir: DIR });
    assert.equal(inserted?.ok, true);
    assert.match(provenanceOf('retry.ts') ?? '', new RegExp(`retry@${PREVIOUS.replace(/\./g, '\\.')} `));
    useCatalog(fixture.currentPath);
  });
  afterEach(() => useCatalog(undefined));
  after(async () => {
    await resetWorkspace(DIR);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('replaces untouched older copies with the current version', async () => {
    assert.deepEqual(await states(), [`log.ts:outdated:${PREVIOUS}`, `retry.ts:outdated:${PREVIOUS}`]);
    assert.deepEqual(await update(), ['log.ts:replaced', 'retry.ts:replaced']);
    assert.equal(copyBody('retry.ts'), fixture.retryLines.join('\n'));
    assert.equal(copyBody('log.ts'), fixture.logContent);
    assert.match(provenanceOf('retry.ts') ?? '', new RegExp(`retry@${fixture.version.replace(/\./g, '\\.')} `));
    assert.deepEqual(await states(), [`log.ts:up-to-date:${fixture.version}`, `retry.ts:up-to-date:${fixture.version}`]);
  });

  it('merges an edit far from the new code: keeps the edit, takes the new line', async () => {
    const note = '  // our note: tuned for the payments API';
    const lines = fs.readFileSync(workspacePath(DIR, 'retry.ts'), 'utf8').split('\n');
    lines.splice(fixture.farAbove + 2, 0, note); // +1 for the provenance line, +1 to go after the line
    writeWorkspaceFile(`${DIR}/retry.ts`, lines.join('\n'));
    assert.deepEqual(await states(), [`log.ts:outdated:${PREVIOUS}`, `retry.ts:edited:${PREVIOUS}`]);
    assert.deepEqual(await update(), ['log.ts:replaced', 'retry.ts:merged']);
    const expected = [...fixture.retryLines];
    expected.splice(fixture.farAbove + 1, 0, note);
    assert.equal(copyBody('retry.ts'), expected.join('\n'), 'the new line is in, the note is kept, nothing else changed');
  });

  it('writes conflict markers where the user changed the lines the new version changed, and nothing is lost', async () => {
    const mine = '  // mine: the very line the new version adds code under';
    const lines = fs.readFileSync(workspacePath(DIR, 'retry.ts'), 'utf8').split('\n');
    // The previous version's line where the new one inserts code (+1 for the provenance line).
    lines.splice(fixture.added + 1, 0, mine);
    writeWorkspaceFile(`${DIR}/retry.ts`, lines.join('\n'));
    assert.deepEqual(await update(), ['log.ts:replaced', 'retry.ts:conflicts']);
    const text = copyBody('retry.ts');
    assert.match(text, /^<{7} /m);
    assert.match(text, /^={7}$/m);
    assert.match(text, /^>{7} /m);
    assert.ok(text.includes(mine), 'the user’s line is kept');
    assert.ok(text.includes(fixture.retryLines[fixture.added]!), 'the new version’s line is there too');
  });
});
