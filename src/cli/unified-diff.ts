// A unified diff (`diff -u` format) printed from node-diff3's line comparison, the same
// library the merge uses, so `bulwark diff` and `bulwark update` agree on what changed.
import { diffComm } from 'node-diff3';
import { palette, type Palette } from './output';

interface Line {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
  /** Lines of each side before this one. */
  readonly oldBefore: number;
  readonly newBefore: number;
}

export interface DiffLabels {
  readonly from: string;
  readonly to: string;
}

function linesOf(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function compare(before: string[], after: string[]): Line[] {
  const lines: Line[] = [];
  let oldBefore = 0;
  let newBefore = 0;
  const push = (kind: Line['kind'], text: string) => {
    lines.push({ kind, text, oldBefore, newBefore });
    if (kind !== '+') oldBefore++;
    if (kind !== '-') newBefore++;
  };
  for (const part of diffComm(before, after)) {
    if (part.common) part.common.forEach((text) => push(' ', text));
    else {
      part.buffer1.forEach((text) => push('-', text));
      part.buffer2.forEach((text) => push('+', text));
    }
  }
  return lines;
}

/** Groups changes with `context` lines around them; changes closer than 2×context share a hunk. */
function hunks(lines: readonly Line[], context: number): Line[][] {
  const result: Line[][] = [];
  let index = 0;
  while (index < lines.length) {
    if (lines[index]?.kind === ' ') {
      index++;
      continue;
    }
    const start = Math.max(index - context, 0);
    let lastChange = index;
    let cursor = index;
    while (cursor < lines.length) {
      if (lines[cursor]?.kind !== ' ') {
        lastChange = cursor++;
        continue;
      }
      let runEnd = cursor;
      while (runEnd < lines.length && lines[runEnd]?.kind === ' ') runEnd++;
      if (runEnd === lines.length || runEnd - cursor > 2 * context) break;
      cursor = runEnd;
    }
    const end = Math.min(lastChange + 1 + context, lines.length);
    result.push(lines.slice(start, end));
    index = end;
  }
  return result;
}

function range(start: number, count: number): string {
  // diff -u names the line before an empty range, and omits a count of 1.
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/** The unified diff from `before` to `after`; empty when their lines are the same. */
export function unifiedDiff(before: string, after: string, labels: DiffLabels, options: { context?: number; color?: Palette } = {}): string {
  const context = options.context ?? 3;
  const color = options.color ?? palette(false);
  const groups = hunks(compare(linesOf(before), linesOf(after)), context);
  if (groups.length === 0) return '';
  const out = [color.bold(`--- ${labels.from}`), color.bold(`+++ ${labels.to}`)];
  for (const group of groups) {
    const first = group[0];
    if (!first) continue;
    const oldCount = group.filter((line) => line.kind !== '+').length;
    const newCount = group.filter((line) => line.kind !== '-').length;
    out.push(color.cyan(`@@ -${range(first.oldBefore, oldCount)} +${range(first.newBefore, newCount)} @@`));
    for (const line of group) {
      const text = `${line.kind}${line.text}`;
      out.push(line.kind === '-' ? color.red(text) : line.kind === '+' ? color.green(text) : text);
    }
  }
  return out.join('\n');
}
