// Labels of precision-corpus reports (labels.json), keyed so they survive re-runs and rule changes
// that move lines: package@version, file path in the package, rule id, the trimmed text of the
// reported line, and which occurrence of that text in the file the report is (0, 1, …).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export const LABELS_PATH = new URL('labels.json', import.meta.url);
export const VERDICTS = ['TP', 'FP', 'debatable'];

/** Rules with at most this many reports in scope have every report labelled; others a sample. */
export const LOW_VOLUME_MAX = 50;
export const SAMPLE_SIZE = 40;
const SAMPLE_SEED = 'bulwark-precision-1';

/**
 * One key per bulwark message of one file, in message order.
 * @param {{ spec: string, packagePath: string }} file
 * @param {string[]} lines the file's lines
 */
export function reportKeys(file, lines, messages) {
  const seen = new Map();
  return messages.map((message) => {
    const text = (lines[message.line - 1] ?? '').trim();
    const base = [file.spec, file.packagePath, message.ruleId, text].join('\u0000');
    const occurrence = seen.get(base) ?? 0;
    seen.set(base, occurrence + 1);
    return { package: file.spec, file: file.packagePath, rule: message.ruleId, text, occurrence };
  });
}

export function keyString(key) {
  return [key.package, key.file, key.rule, key.text, key.occurrence].join('\u0000');
}

/** The reports of one rule to label: all of them for a low-volume rule, else a seeded random sample. */
export function sampleOf(reports) {
  if (reports.length <= LOW_VOLUME_MAX) return reports;
  const rank = (report) =>
    createHash('sha256')
      .update(`${SAMPLE_SEED}\u0000${keyString(report.key)}`)
      .digest('hex');
  return reports
    .map((report) => ({ report, rank: rank(report) }))
    .sort((a, b) => a.rank.localeCompare(b.rank))
    .slice(0, SAMPLE_SIZE)
    .map(({ report }) => report);
}

/** labels.json as a Map from key string to `{ ...key, verdict, reason }`; fails on a malformed label. */
export function readLabels() {
  const labels = JSON.parse(readFileSync(LABELS_PATH, 'utf8'));
  const byKey = new Map();
  for (const label of labels) {
    if (!VERDICTS.includes(label.verdict) || typeof label.reason !== 'string' || !label.reason.trim()) {
      throw new Error(`labels.json: a label needs verdict ${VERDICTS.join('/')} and a reason: ${JSON.stringify(label)}`);
    }
    const key = keyString(label);
    if (byKey.has(key)) throw new Error(`labels.json: two labels for ${JSON.stringify(label)}`);
    byKey.set(key, label);
  }
  return byKey;
}

/** Writes labels sorted by key, one per line, so that diffs stay reviewable. */
export function writeLabels(labels) {
  const sorted = [...labels].sort((a, b) => keyString(a).localeCompare(keyString(b)));
  const body = sorted
    .map(
      ({ package: spec, file, rule, text, occurrence, verdict, reason }) =>
        `  ${JSON.stringify({ package: spec, file, rule, text, occurrence, verdict, reason })}`,
    )
    .join(',\n');
  writeFileSync(LABELS_PATH, `[\n${body}\n]\n`);
}
