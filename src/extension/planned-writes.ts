// Turns the writes a use case planned into one WorkspaceEdit: new files are created, existing
// ones replaced whole (as the user sees them: an open document's unsaved text is what is
// replaced). Shared by "Insert Pattern…", "Update Inserted Patterns" and the quick fixes.
import * as vscode from 'vscode';
import type { PlannedWrite } from '../engine/ports';
import { openDocument } from './workspace-files';
import type { WorkspaceProjectFs } from './workspace-project-fs';

export interface WriteEditOptions {
  readonly label: (write: PlannedWrite) => string;
  /** Show each change in the refactor preview before it is applied. */
  readonly needsConfirmation?: boolean;
  /**
   * `contents` writes each new file at once, for edits applied here; `text-edit` fills an empty
   * new file with a text edit, the form that survives crossing the extension-host boundary (code
   * actions), after which the caller saves the files.
   */
  readonly mode?: 'contents' | 'text-edit';
}

export async function addWrites(edit: vscode.WorkspaceEdit, fs: WorkspaceProjectFs, writes: readonly PlannedWrite[], options: WriteEditOptions): Promise<void> {
  const mode = options.mode ?? 'contents';
  for (const write of writes) {
    const uri = fs.uri(write.path);
    const metadata = { label: options.label(write), needsConfirmation: options.needsConfirmation ?? false };
    if (!write.exists) {
      if (mode === 'contents') {
        edit.createFile(uri, { contents: new TextEncoder().encode(write.text), ignoreIfExists: true }, metadata);
      } else {
        edit.createFile(uri, { ignoreIfExists: true }, metadata);
        edit.insert(uri, new vscode.Position(0, 0), write.text, metadata);
      }
      continue;
    }
    const current = (await fs.readText(write.path)) ?? '';
    edit.replace(uri, new vscode.Range(0, 0, current.split('\n').length, 0), write.text, metadata);
  }
}

/** Applies the writes as one undoable edit and saves what it changed; false when VS Code refused it. */
export async function applyWritesEdit(fs: WorkspaceProjectFs, writes: readonly PlannedWrite[], label: string): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  await addWrites(edit, fs, writes, { label: (write) => `${label}: ${write.path} ${write.label}` });
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  // Writing files is what the command is for: replaced files go to disk at once, as created ones do.
  await Promise.all(writes.filter((write) => write.exists).map((write) => openDocument(fs.uri(write.path))?.save()));
  return true;
}
