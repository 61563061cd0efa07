import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { palette, padEnd, shouldUseColor } from '../../src/cli/output';
import { unifiedDiff } from '../../src/cli/unified-diff';

/** GNU diff -u, the format's reference, without its file header lines. */
function gnuDiff(before: string, after: string, context: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-diff-'));
  try {
    writeFileSync(join(dir, 'a'), before);
    writeFileSync(join(dir, 'b'), after);
    try {
      execFileSync('diff', [`-U${context}`, join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
      return '';
    } catch (error) {
      return String((error as { stdout: string }).stdout)
        .split('\n')
        .slice(2)
        .join('\n')
        .trimEnd();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random numbers (a test must not flake). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function edited(lines: readonly string[], next: () => number, edits: number): string[] {
  const result = [...lines];
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(next() * result.length);
    const kind = next();
    if (kind < 0.33) result.splice(at, 1);
    else if (kind < 0.66) result.splice(at, 0, `inserted ${edit}`);
    else result[at] = `changed ${edit}`;
  }
  return result;
}

describe('cli: unified diff printer', () => {
  it('matches GNU diff -u hunk for hunk on many edited files', function () {
    this.timeout(60_000);
    const next = random(7);
    const original = Array.from({ length: 60 }, (_, index) => `const value${index} = ${index};`);
    for (let round = 0; round < 40; round++) {
      const after = edited(original, next, 1 + (round % 6));
      const context = round % 4;
      const before = `${original.join('\n')}\n`;
      const changed = `${after.join('\n')}\n`;
      const ours = unifiedDiff(before, changed, { from: 'a', to: 'b' }, { context }).split('\n').slice(2).join('\n');
      assert.equal(ours, gnuDiff(before, changed, context), `round ${round}, context ${context}`);
    }
  });

  it('prints nothing for equal texts and labels both sides', () => {
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', { from: 'x', to: 'y' }), '');
    assert.equal(unifiedDiff('a\n', 'b\n', { from: 'old', to: 'new' }), '--- old\n+++ new\n@@ -1 +1 @@\n-a\n+b');
    assert.equal(unifiedDiff('', 'a\n', { from: 'old', to: 'new' }), '--- old\n+++ new\n@@ -0,0 +1 @@\n+a');
  });

  it('colours only when asked: removed red, added green', () => {
    const coloured = unifiedDiff('a\n', 'b\n', { from: 'old', to: 'new' }, { color: palette(true) });
    assert.ok(coloured.includes('\u001b[31m-a\u001b[39m') && coloured.includes('\u001b[32m+b\u001b[39m'));
  });
});

describe('cli: colour decision', () => {
  it('colours a TTY only, and never with NO_COLOR set or TERM=dumb', () => {
    assert.equal(shouldUseColor(true, {}), true);
    assert.equal(shouldUseColor(false, {}), false);
    assert.equal(shouldUseColor(undefined, {}), false);
    assert.equal(shouldUseColor(true, { NO_COLOR: '1' }), false);
    assert.equal(shouldUseColor(true, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
    assert.equal(shouldUseColor(true, { TERM: 'dumb' }), false);
  });

  it('pads by visible width, ignoring colour codes', () => {
    assert.equal(padEnd(palette(true).red('ab'), 4), `${palette(true).red('ab')}  `);
  });
});
