// Applies the writes a use case planned, each through a temporary file and a rename.
import type { PlannedWrite } from '../engine/ports';
import { writeFileAtomic } from './files';
import type { NodeProjectFs } from './node-project-fs';

export function applyWrites(fs: NodeProjectFs, writes: readonly PlannedWrite[]): void {
  for (const write of writes) writeFileAtomic(fs.absolute(write.path), write.text, fs.display(write.path));
}
