// Packages the extension with vsce, exactly as `npm run package` does, and checks what the VSIX
// holds: nothing beyond the manifest, docs, bundles, catalog, snippets and walkthrough pages.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { LinterClient } from '../../src/linter/worker-client';

const repoRoot = path.resolve(__dirname, '..', '..');
const MAX_VSIX_BYTES = 3 * 1024 * 1024;
/** Files vsce itself adds around the extension folder. */
const VSCE_FILES = ['[Content_Types].xml', 'extension.vsixmanifest'];
const SHIPPED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/linter.js',
  'extension/dist/linter-worker.js',
  'extension/dist/catalog.json',
  'extension/dist/eslint-plugin/package.json',
  'extension/snippets/typescript.json',
  'extension/snippets/javascript.json',
];
const OPTIONAL = ['extension/changelog.md'];

interface ZipEntry {
  readonly name: string;
  readonly read: () => Buffer;
}

/** The entries of a zip file, from its central directory (no zip64: a VSIX this size needs none). */
function zipEntries(zip: Buffer): ZipEntry[] {
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory === -1) throw new Error('not a zip file: no end-of-central-directory record');
  const count = zip.readUInt16LE(endOfDirectory + 10);
  let offset = zip.readUInt32LE(endOfDirectory + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`corrupt central directory at byte ${offset}`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({
      name,
      read: () => {
        const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
        const data = zip.subarray(dataStart, dataStart + compressedSize);
        if (method === 0) return data;
        if (method === 8) return inflateRawSync(data);
        throw new Error(`${name}: unsupported compression method ${method}`);
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** What is wrong with a VSIX's file list: unexpected files, and expected ones that are missing. */
function contentProblems(names: readonly string[], walkthroughPages: readonly string[]): string[] {
  const expected = [...VSCE_FILES, ...SHIPPED, ...walkthroughPages.map((page) => `extension/${page}`)];
  const allowed = new Set([...expected, ...OPTIONAL]);
  return [
    ...names.filter((name) => !allowed.has(name)).map((name) => `unexpected file in the VSIX: ${name}`),
    ...expected.filter((name) => !names.includes(name)).map((name) => `missing from the VSIX: ${name}`),
  ];
}

interface Manifest {
  contributes?: { walkthroughs?: Array<{ steps: Array<{ media?: { markdown?: string } }> }> };
}

function walkthroughPages(manifest: Manifest): string[] {
  return (manifest.contributes?.walkthroughs ?? []).flatMap((walkthrough) =>
    walkthrough.steps.flatMap((step) => (step.media?.markdown ? [step.media.markdown] : [])),
  );
}

describe('package: the VSIX', function () {
  // vsce zips about 6 MB; on a busy 2-core machine that takes up to half a minute.
  this.timeout(180_000);
  let folder: string;
  let vsix: string;
  let entries: ZipEntry[];

  before(() => {
    for (const built of ['dist/extension.js', 'dist/linter.js', 'dist/linter-worker.js', 'dist/catalog.json', 'snippets/typescript.json']) {
      assert.ok(existsSync(path.join(repoRoot, built)), `${built} is missing: run npm run build first`);
    }
    folder = mkdtempSync(path.join(os.tmpdir(), 'bulwark-vsix-'));
    vsix = path.join(folder, 'bulwark.vsix');
    const result = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--out', vsix], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(result.status, 0, `vsce package failed:\n${result.stdout}${result.stderr}`);
    entries = zipEntries(readFileSync(vsix));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('holds exactly the manifest, readme, license, bundles, catalog, snippets and walkthrough pages', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
    assert.deepEqual(
      contentProblems(
        entries.map((entry) => entry.name),
        walkthroughPages(manifest),
      ),
      [],
    );
  });

  it(`is at most ${MAX_VSIX_BYTES / 1024 / 1024} MB`, () => {
    const size = statSync(vsix).size;
    assert.ok(size <= MAX_VSIX_BYTES, `the VSIX is ${(size / 1024 / 1024).toFixed(2)} MB`);
  });

  it('ships the built files byte for byte, and a manifest whose walkthrough pages it contains', () => {
    for (const file of ['dist/extension.js', 'dist/catalog.json', 'snippets/typescript.json']) {
      const entry = entries.find((candidate) => candidate.name === `extension/${file}`);
      assert.ok(entry?.read().equals(readFileSync(path.join(repoRoot, file))), `extension/${file} differs from ${file}`);
    }
    const packaged = JSON.parse(
      entries
        .find((entry) => entry.name === 'extension/package.json')
        ?.read()
        .toString('utf8') ?? '{}',
    ) as Manifest;
    const pages = walkthroughPages(packaged);
    assert.equal(pages.length, 3);
    for (const page of pages)
      assert.ok(
        entries.some((entry) => entry.name === `extension/${page}`),
        `${page} is not in the VSIX`,
      );
  });

  it('lints with the linter thread it ships, alone in a folder with no node_modules', async () => {
    const unpacked = path.join(folder, 'unpacked');
    mkdirSync(unpacked);
    // The linter bundle reads the plugin's name and version from eslint-plugin/package.json beside it.
    mkdirSync(path.join(unpacked, 'eslint-plugin'));
    for (const name of ['linter-worker.js', 'linter.js', 'eslint-plugin/package.json']) {
      const entry = entries.find((candidate) => candidate.name === `extension/dist/${name}`);
      assert.ok(entry, `extension/dist/${name} is not in the VSIX`);
      writeFileSync(path.join(unpacked, name), entry.read());
    }
    const client = new LinterClient(path.join(unpacked, 'linter-worker.js'));
    try {
      const messages = await client.call('lintText', "await fetch('https://example.com');\n", 'sample.mjs');
      assert.deepEqual(
        messages.map((message) => message.ruleId),
        ['bulwark/require-request-timeout', 'bulwark/require-retry'],
      );
    } finally {
      client.dispose();
    }
  });

  it('the content check itself reports a stray file and a missing one', () => {
    const names = [...VSCE_FILES, ...SHIPPED.filter((name) => name !== 'extension/dist/linter.js'), 'extension/src/extension/main.ts'];
    assert.deepEqual(contentProblems(names, []), [
      'unexpected file in the VSIX: extension/src/extension/main.ts',
      'missing from the VSIX: extension/dist/linter.js',
    ]);
  });
});
