// "Bulwark: Try a Quick Fix" (the walkthrough's last step): opens an unsaved sample with a
// fetch that has no timeout, puts the cursor on it and opens the quick fix menu once Bulwark's
// diagnostic is there. Nothing is written to the user's disk.
import * as vscode from 'vscode';

const SAMPLE = [
  '// Bulwark flags this fetch: it has no timeout, so a server that stops answering hangs the caller.',
  '// Choose "Add a timeout" in the quick fix menu (Ctrl+. / Cmd+. on the underlined call).',
  'export async function loadUser(id: string): Promise<unknown> {',
  '  const response = await fetch(`https://api.example.com/users/${id}`);',
  '  return response.json();',
  '}',
  '',
].join('\n');
const FLAGGED_CALL = 'fetch(';
/** How long to wait for the first lint, which loads the linter (about a second on a slow machine). */
const DIAGNOSTIC_WAIT_MS = 10_000;

export interface TryQuickFixResult {
  readonly uri: string;
  /** Whether a bulwark diagnostic appeared and the quick fix menu was opened. */
  readonly menuOpened: boolean;
}

function bulwarkDiagnostic(uri: vscode.Uri): vscode.Diagnostic | undefined {
  return vscode.languages.getDiagnostics(uri).find((diagnostic) => {
    const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
    return typeof code === 'string' && code.startsWith('bulwark/');
  });
}

function waitForDiagnostic(uri: vscode.Uri, timeoutMs: number): Promise<vscode.Diagnostic | undefined> {
  const present = bulwarkDiagnostic(uri);
  if (present) return Promise.resolve(present);
  return new Promise((resolve) => {
    const finish = (diagnostic: vscode.Diagnostic | undefined) => {
      clearTimeout(timer);
      listener.dispose();
      resolve(diagnostic);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) {
        const diagnostic = bulwarkDiagnostic(uri);
        if (diagnostic) finish(diagnostic);
      }
    });
  });
}

// A named untitled document: the `.ts` name makes it TypeScript for the editor and the linter.
const SAMPLE_URI = vscode.Uri.from({ scheme: 'untitled', path: 'bulwark-quick-fix.ts' });

/**
 * Whether `uri` is this command's sample. The sample demonstrates require-request-timeout, which
 * `recommended` leaves off, so diagnostics lint it with every rule whatever bulwark.ruleSet says.
 */
export function isQuickFixSample(uri: vscode.Uri): boolean {
  return uri.toString() === SAMPLE_URI.toString();
}

export async function tryQuickFixCommand(): Promise<TryQuickFixResult> {
  const uri = SAMPLE_URI;
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.getText() !== SAMPLE) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(new vscode.Position(0, 0), document.positionAt(document.getText().length)), SAMPLE);
    await vscode.workspace.applyEdit(edit);
  }
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  const call = document.positionAt(SAMPLE.indexOf(FLAGGED_CALL));
  editor.selection = new vscode.Selection(call, call);
  editor.revealRange(new vscode.Range(call, call));

  if (vscode.workspace.getConfiguration('bulwark', uri).get('diagnostics') === 'off') {
    void vscode.window.showInformationMessage(
      'Bulwark: diagnostics are off (setting bulwark.diagnostics), so this sample shows no problem. Set it to "auto" to try the quick fix.',
    );
    return { uri: uri.toString(), menuOpened: false };
  }
  const diagnostic = await waitForDiagnostic(uri, DIAGNOSTIC_WAIT_MS);
  if (!diagnostic || vscode.window.activeTextEditor?.document !== document) return { uri: uri.toString(), menuOpened: false };
  editor.selection = new vscode.Selection(diagnostic.range.start, diagnostic.range.start);
  await vscode.commands.executeCommand('editor.action.quickFix');
  return { uri: uri.toString(), menuOpened: true };
}
