import assert from 'node:assert/strict';
import { buildCatalog } from '../../src/engine/catalog-build';
import { fileById, type Catalog } from '../../src/engine/catalog';
import { inspectCopy, planUpdate } from '../../src/engine/copies';
import { parseCopy, withProvenance } from '../../src/engine/provenance';
import { numberedLines, releaseOf, sampleSources } from './fixtures';

// Version 1.0.0 and 1.1.0 of `greet`: 1.1.0 changes line 2 and appends a line.
const v1Body = `import { logger } from './log.js';\n\nexport const separator = ' ';\n${numberedLines('line', 12)}\nexport const greet = (name: string) => { logger.info(name); return 'hello ' + name; };\n`;
const v2Body = v1Body.replace('export const line2 = 2;', 'export const line2 = 2_000;') + 'export const added = true;\n';

function catalogs(): { older: Catalog; newer: Catalog } {
  const older = buildCatalog(sampleSources({ greet: v1Body }), '1.0.0');
  const newer = buildCatalog(sampleSources({ greet: v2Body }), '1.1.0', [releaseOf(older)]);
  return { older, newer };
}

describe('engine: copy states and updates', () => {
  const { older, newer } = catalogs();
  const greet = fileById(newer, 'greet')!;
  const oldCopy = withProvenance(fileById(older, 'greet')!, older.version);

  it('reports a missing copy, and creates it on update', () => {
    const report = inspectCopy(newer, greet, 'greet.ts', undefined);
    assert.equal(report.state, 'missing');
    assert.deepEqual(planUpdate(newer, report), { kind: 'created', text: withProvenance(greet, '1.1.0') });
  });

  it('reports a current copy as up to date, also when only reformatted, and leaves it alone', () => {
    const current = withProvenance(greet, newer.version);
    assert.equal(inspectCopy(newer, greet, 'greet.ts', current).state, 'up-to-date');
    const reformatted = current.replace(/\n\n/g, '\n').replace('{ logger.info(name);', '{\n  logger.info(name);\n ');
    const report = inspectCopy(newer, greet, 'greet.ts', reformatted);
    assert.equal(report.state, 'up-to-date');
    assert.deepEqual(planUpdate(newer, report, reformatted), { kind: 'unchanged' });
  });

  it('reports an untouched copy of 1.0.0 as outdated, and replaces it with 1.1.0', () => {
    const report = inspectCopy(newer, greet, 'greet.ts', oldCopy);
    assert.equal(report.state, 'outdated');
    assert.equal(report.baseVersion, '1.0.0');
    assert.deepEqual(planUpdate(newer, report, oldCopy), { kind: 'replaced', text: withProvenance(greet, '1.1.0') });
  });

  it('keeps CRLF line endings when replacing', () => {
    const crlf = oldCopy.replace(/\n/g, '\r\n');
    const outcome = planUpdate(newer, inspectCopy(newer, greet, 'greet.ts', crlf), crlf);
    assert.equal(outcome.kind, 'replaced');
    assert.equal(outcome.kind === 'replaced' && outcome.text, withProvenance(greet, '1.1.0', '\r\n'));
  });

  it('merges an edit in another region: keeps the edit, takes the new code, records 1.1.0', () => {
    const edited = oldCopy.replace('export const line10 = 10;', 'export const line10 = 10; // tuned for our traffic');
    const report = inspectCopy(newer, greet, 'greet.ts', edited);
    assert.equal(report.state, 'edited');
    const outcome = planUpdate(newer, report, edited);
    assert.equal(outcome.kind, 'merged');
    const text = outcome.kind === 'merged' ? outcome.text : '';
    assert.equal(parseCopy(text).provenance?.version, '1.1.0');
    assert.equal(parseCopy(text).body, greet.content.replace('export const line10 = 10;', 'export const line10 = 10; // tuned for our traffic'));
    // Merged once, the copy is an edit of 1.1.0: a second update has nothing more to merge.
    const again = planUpdate(newer, inspectCopy(newer, greet, 'greet.ts', text), text);
    assert.deepEqual(again, { kind: 'merged', text });
  });

  it('writes conflict markers where the user and the catalog changed the same line, keeping both', () => {
    const edited = oldCopy.replace('export const line2 = 2;', 'export const line2 = 42;');
    const outcome = planUpdate(newer, inspectCopy(newer, greet, 'greet.ts', edited), edited);
    assert.equal(outcome.kind, 'conflicts');
    if (outcome.kind !== 'conflicts') return;
    assert.equal(outcome.conflicts, 1);
    assert.ok(
      outcome.text.includes(
        '<<<<<<< your copy (greet.ts)\nexport const line2 = 42;\n||||||| bulwark 1.0.0\nexport const line2 = 2;\n=======\nexport const line2 = 2_000;\n>>>>>>> bulwark 1.1.0\n',
      ),
    );
    assert.ok(outcome.text.endsWith('export const added = true;\n'), 'the non-conflicting new code is taken');
  });

  it('treats a whitespace edit inside a string as an edit: merged, not replaced (never lost)', () => {
    const edited = oldCopy.replace(`separator = ' ';`, `separator = '';`);
    const report = inspectCopy(newer, greet, 'greet.ts', edited);
    assert.equal(report.state, 'edited');
    const outcome = planUpdate(newer, report, edited);
    assert.equal(outcome.kind, 'merged');
    assert.ok(outcome.kind === 'merged' && outcome.text.includes(`separator = '';`) && outcome.text.includes('line2 = 2_000'));
  });

  it('puts the record back below a license banner added above it', () => {
    const banner = '// SPDX-License-Identifier: MIT\n';
    const edited = banner + oldCopy.replace('export const line10 = 10;', 'export const line10 = 11;');
    const outcome = planUpdate(newer, inspectCopy(newer, greet, 'greet.ts', edited), edited);
    assert.equal(outcome.kind, 'merged');
    const lines = outcome.kind === 'merged' ? outcome.text.split('\n') : [];
    assert.equal(lines[0], banner.trimEnd());
    assert.match(lines[1] ?? '', /^\/\/ bulwark: greet@1\.1\.0 /);
  });

  it('leaves an edited copy alone when the version it came from is unknown', () => {
    const foreign = `${withProvenance(greet, '0.5.0').replace(/sha256:[0-9a-f]{16}/, 'sha256:1234567890abcdef')}// mine\n`;
    const report = inspectCopy(newer, greet, 'greet.ts', foreign);
    assert.equal(report.state, 'edited');
    assert.equal(report.baseVersion, undefined);
    assert.deepEqual(planUpdate(newer, report, foreign), { kind: 'no-base' });
  });
});
