import assert from 'node:assert/strict';
import { mergeThreeWay } from '../../src/engine/merge';

const labels = { ours: 'yours', base: 'bulwark 1.0.0', theirs: 'bulwark 1.1.0' };
const lines = (...items: string[]) => `${items.join('\n')}\n`;

describe('engine: three-way merge', () => {
  const base = lines('a', 'b', 'c', 'd', 'e', 'f', 'g');

  it('takes both sides when they changed different regions', () => {
    const ours = lines('a', 'B (mine)', 'c', 'd', 'e', 'f', 'g');
    const theirs = lines('a', 'b', 'c', 'd', 'e', 'F (new)', 'g', 'h (new)');
    assert.deepEqual(mergeThreeWay(ours, base, theirs, labels), { text: lines('a', 'B (mine)', 'c', 'd', 'e', 'F (new)', 'g', 'h (new)'), conflicts: 0 });
  });

  it('marks a conflict, git style with the base, only where both changed the same lines', () => {
    const ours = lines('a', 'b', 'C (mine)', 'd', 'e', 'f', 'g (mine)');
    const theirs = lines('a', 'b', 'C (new)', 'd', 'e', 'f', 'g');
    const merged = mergeThreeWay(ours, base, theirs, labels);
    assert.equal(merged.conflicts, 1);
    assert.equal(
      merged.text,
      lines('a', 'b', '<<<<<<< yours', 'C (mine)', '||||||| bulwark 1.0.0', 'c', '=======', 'C (new)', '>>>>>>> bulwark 1.1.0', 'd', 'e', 'f', 'g (mine)'),
    );
  });

  it('counts each conflicting region', () => {
    const ours = lines('A1', 'b', 'c', 'd', 'e', 'f', 'G1');
    const theirs = lines('A2', 'b', 'c', 'd', 'e', 'f', 'G2');
    assert.equal(mergeThreeWay(ours, base, theirs, labels).conflicts, 2);
  });

  it('does not call the same change on both sides a conflict', () => {
    const same = lines('a', 'b', 'C (fixed)', 'd', 'e', 'f', 'g');
    assert.deepEqual(mergeThreeWay(same, base, same, labels), { text: same, conflicts: 0 });
  });

  it('keeps an unchanged side: ours when theirs is the base, theirs when ours is the base', () => {
    const edited = lines('a', 'b', 'x', 'd');
    assert.equal(mergeThreeWay(edited, base, base, labels).text, edited);
    assert.equal(mergeThreeWay(base, base, edited, labels).text, edited);
  });
});
