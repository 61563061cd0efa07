import assert from 'node:assert/strict';
import { buildCatalog } from '../../src/engine/catalog-build';
import { fileById } from '../../src/engine/catalog';
import { baseOf, parseCopy, provenanceLine, sameCode, withProvenance } from '../../src/engine/provenance';
import { sampleSources } from './fixtures';

describe('engine: provenance record', () => {
  const catalog = buildCatalog(sampleSources(), '1.2.0');
  const greet = fileById(catalog, 'greet')!;

  it('round-trips: the record names file, version and hash, and the body is the runtime file byte for byte', () => {
    const text = withProvenance(greet, catalog.version);
    assert.equal(text.split('\n')[0], provenanceLine(greet, '1.2.0'));
    assert.match(text, /^\/\/ bulwark: greet@1\.2\.0 sha256:[0-9a-f]{16} /);
    const copy = parseCopy(text);
    assert.deepEqual(copy.provenance, { id: 'greet', version: '1.2.0', sha256: greet.sha256.slice(0, 16) });
    assert.equal(copy.body, greet.content);
    assert.equal(copy.eol, '\n');
    assert.equal(copy.recordLine, 0);
  });

  it('round-trips with CRLF line endings: written with CRLF, read back as the same code', () => {
    const text = withProvenance(greet, catalog.version, '\r\n');
    assert.ok(text.includes('\r\n') && !/[^\r]\n/.test(text), 'every line ends with CRLF');
    const copy = parseCopy(text);
    assert.equal(copy.eol, '\r\n');
    assert.equal(copy.body, greet.content);
    assert.equal(copy.provenance?.id, 'greet');
  });

  it('finds the record below a license banner added above it, and remembers where it was', () => {
    const banner = '// SPDX-License-Identifier: MIT\n// Copyright (c) 2026 Example Corp.\n';
    const copy = parseCopy(banner + withProvenance(greet, catalog.version));
    assert.equal(copy.provenance?.version, '1.2.0');
    assert.equal(copy.recordLine, 2);
    assert.equal(copy.body, banner + greet.content);
    assert.equal(baseOf(catalog, copy, 'greet')?.content, greet.content);
  });

  it('looks for the record in the first 10 lines only (a later match is code, not a record)', () => {
    const copy = parseCopy(`${'// banner\n'.repeat(10)}${withProvenance(greet, catalog.version)}`);
    assert.equal(copy.provenance, undefined);
  });

  it('finds the base by the record hash, else by identical content, and never across files', () => {
    const released = withProvenance(greet, catalog.version).replace('@1.2.0', '@9.9.9');
    assert.equal(baseOf(catalog, parseCopy(released), 'greet')?.version, '1.2.0', 'the hash decides, not the version text');
    assert.equal(baseOf(catalog, parseCopy(greet.content), 'greet')?.version, '1.2.0', 'a copy without a record, by content');
    assert.equal(baseOf(catalog, parseCopy(greet.content), 'log'), undefined);
    const unknownHash = withProvenance(greet, catalog.version).replace(/sha256:[0-9a-f]{16}/, 'sha256:0000000000000000');
    assert.equal(baseOf(catalog, parseCopy(`${unknownHash}\n// edited`), 'greet'), undefined);
  });
});

describe('engine: sameCode ignores formatting, never edits', () => {
  it('treats re-indentation, line wrapping and spacing around punctuation as the same code', () => {
    assert.ok(sameCode('function f(a, b) {\n  return a + b;\n}\n', 'function f(a,b){\n\treturn a+b;\n}'));
    assert.ok(sameCode('call(first, second);', 'call(\n  first,\n  second\n);'));
    assert.ok(sameCode('/**\n * Docs.\n */\nconst x = 1;', '  /**\n   * Docs.\n   */\n  const x = 1;'), 'a re-indented doc comment');
  });

  it('counts whitespace inside a string or template literal as an edit', () => {
    assert.ok(!sameCode(`parts.join(' ')`, `parts.join('')`));
    assert.ok(!sameCode('const s = `a  ${b}`;', 'const s = `a ${b}`;'));
    assert.ok(!sameCode(`const q = "x y";`, `const q = "xy";`));
  });

  it('keeps the space between two words: `return x` is not `returnx`', () => {
    assert.ok(!sameCode('return x;', 'returnx;'));
    assert.ok(sameCode('return   x;', 'return\n  x;'));
  });

  it('handles escaped quotes inside strings', () => {
    assert.ok(sameCode(`const a = 'it\\'s  here';  f( a )`, `const a = 'it\\'s  here'; f(a)`));
    assert.ok(!sameCode(`const a = 'it\\'s  here';`, `const a = 'it\\'s here';`));
  });
});
