// The README says what the code does: its generated sections are current (scripts/readme.ts), its
// command table lists exactly the commands package.json contributes, and it links only inside the
// repository.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { manifest, README, regenerate } from '../../scripts/readme';

const readme = readFileSync(README, 'utf8');

describe('README.md', () => {
  it('has its settings table and CLI usage as package.json and the help texts make them (npx tsx scripts/readme.ts)', () => {
    assert.equal(readme, regenerate(readme));
  });

  it('lists every contributed command, by title and id, and no other', () => {
    const rows = [...readme.matchAll(/^\| \*\*(.+?)\*\* \(`(bulwark\.[A-Za-z]+)`\) \|/gm)].map(([, title, id]) => `${title} (${id})`);
    const contributed = manifest().contributes.commands.map(
      (command) => `${command.category ? `${command.category}: ` : ''}${command.title} (${command.command})`,
    );
    assert.deepEqual(rows.sort(), contributed.sort());
  });

  it('links only to files of this repository, and they exist', () => {
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)|<(https?:[^>]+)>/g)].map(([, link, auto]) => link ?? auto ?? '');
    assert.ok(targets.length > 0, 'the README links to its docs');
    for (const target of targets) {
      assert.ok(!/^[a-z][a-z0-9+.-]*:/i.test(target), `${target} leaves the repository`);
      const file = target.split('#')[0] ?? '';
      if (file) assert.ok(existsSync(join(dirname(README), file)), `${target} does not exist`);
    }
  });
});
