// File access for commands, with every failure turned into one line that names the path and
// says what went wrong in words (not a stack trace).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BulwarkError } from '../engine/errors';

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  ENOSPC: 'no space left on the device',
  EEXIST: 'a file is in the way',
};

export function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? (error as Error).message;
}

/** The file's text, or undefined when it does not exist. */
export function readIfExists(path: string, display: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BulwarkError(`cannot read ${display}: ${reason(error)}`);
  }
}

export function ensureFolder(path: string, display: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new BulwarkError(`cannot create folder ${display}: ${reason(error)}`);
  }
}

/**
 * Writes through a temporary file and a rename, so an interrupted write never leaves a user's
 * copy truncated.
 */
export function writeFileAtomic(path: string, text: string, display: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.bulwark-${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new BulwarkError(`cannot write ${display}: ${reason(error)}`);
  }
}
