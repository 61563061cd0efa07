// Loading the linter before the first document asks (src/extension/linter-preload.ts): the test
// folder has package.json and tsconfig.json, so Bulwark activates at startup (workspaceContains)
// and warms its linter up on the linter thread. Then the first lint runs on a thread that has it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoRoot } from './workspace';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; activationEvents: string[] };

describe('linter preload', () => {
  it('activates in a JS/TS project folder at startup, not only when a JS/TS file opens', () => {
    for (const event of ['workspaceContains:package.json', 'workspaceContains:tsconfig.json', 'workspaceContains:jsconfig.json']) {
      assert.ok(manifest.activationEvents.includes(event), `activation event ${event}`);
    }
  });

  it('has loaded and warmed up the linter in this folder', async () => {
    const extension = vscode.extensions.getExtension<{ linterPreloaded: Promise<boolean> }>(`${manifest.publisher}.${manifest.name}`);
    assert.ok(extension, 'the extension is installed');
    const api = await extension.activate();
    assert.equal(await api.linterPreloaded, true);
  });
});
