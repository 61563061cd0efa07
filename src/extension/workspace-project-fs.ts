// The engine's ProjectFs on workspace.fs (so virtual workspaces work), rooted at a workspace
// folder. With `unsavedText`, an open document with unsaved changes is read as the user sees it,
// not as the disk holds it (check and update: an update must not drop what was typed), and the
// paths read that way are remembered for the update's editor checks. Without it (add), the disk
// decides what exists: a dirty document of a deleted file is not a copy to keep.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EntryKind, ProjectFs } from '../engine/ports';
import { openDocument, readText } from './workspace-files';

export class WorkspaceProjectFs implements ProjectFs {
  /** Project paths whose text came from an editor with unsaved changes. */
  readonly fromEditor = new Set<string>();

  constructor(
    readonly root: vscode.Uri,
    private readonly unsavedText: boolean,
  ) {}

  uri(projectPath: string): vscode.Uri {
    return vscode.Uri.joinPath(this.root, ...projectPath.split('/').filter(Boolean));
  }

  /** A user-given folder (absolute, or relative to the workspace folder) as a project path. */
  projectPath(dir: string): string {
    const absolute = dir.startsWith('/') || /^[A-Za-z]:[\\/]/.test(dir) ? vscode.Uri.file(dir).path : undefined;
    if (absolute === undefined) return dir.split(/[\\/]/).filter(Boolean).join('/') || '.';
    return path.posix.relative(this.root.path, absolute) || '.';
  }

  async readText(projectPath: string): Promise<string | undefined> {
    const uri = this.uri(projectPath);
    const open = this.unsavedText ? openDocument(uri) : undefined;
    if (open?.isDirty) {
      this.fromEditor.add(projectPath);
      return open.getText();
    }
    return readText(uri);
  }

  async list(projectPath: string): Promise<Array<{ name: string; kind: EntryKind }>> {
    let entries: Array<[string, vscode.FileType]>;
    try {
      entries = await vscode.workspace.fs.readDirectory(this.uri(projectPath));
    } catch {
      // A missing folder simply holds nothing.
      return [];
    }
    return entries.flatMap(([name, type]): Array<{ name: string; kind: EntryKind }> => {
      if (type & vscode.FileType.Directory) return [{ name, kind: 'folder' }];
      return type & vscode.FileType.File ? [{ name, kind: 'file' }] : [];
    });
  }
}
