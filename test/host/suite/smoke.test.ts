// Proves the harness is real: these run inside VS Code's extension host, against real files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Both runners create this folder and hand it over in the environment. */
function testWorkspace(): string {
  const folder = process.env['BULWARK_TEST_WORKSPACE'];
  assert.ok(folder, 'BULWARK_TEST_WORKSPACE is not set: start the tests through scripts/vscode-host/run.mjs or run-electron');
  return folder;
}

describe('extension host harness', () => {
  it('runs inside VS Code 1.100.x, the version engines.vscode targets', () => {
    assert.match(vscode.version, /^1\.100\.\d+$/);
  });

  it('loads the extension under development from the repository root', () => {
    // out/test/host/suite -> repository root
    const manifestPath = path.resolve(__dirname, '..', '..', '..', '..', 'package.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { publisher: string; name: string };
    const extension = vscode.extensions.getExtension(`${manifest.publisher}.${manifest.name}`);
    assert.ok(extension, `extension ${manifest.publisher}.${manifest.name} is not known to the host`);
  });

  describe('workspace folder on disk', () => {
    const written: string[] = [];
    after(() => {
      for (const file of written) fs.rmSync(file, { force: true });
    });

    it('hands the tests a real TypeScript project folder', () => {
      const folder = testWorkspace();
      assert.ok(fs.statSync(path.join(folder, 'package.json')).isFile());
      assert.ok(fs.statSync(path.join(folder, 'tsconfig.json')).isFile());
    });

    it('opens a file written to the workspace with vscode.workspace.openTextDocument', async () => {
      const file = path.join(testWorkspace(), 'src', `smoke-${process.pid}-${Date.now()}.ts`);
      const source = 'export const answer: number = 42;\n';
      fs.writeFileSync(file, source);
      written.push(file);

      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));

      assert.equal(document.getText(), source);
      assert.equal(document.languageId, 'typescript');
      assert.equal(document.lineCount, 2);
    });
  });
});
