// A horizontal bar chart as SVG text: one bar per contender, Bulwark's highlighted. No chart library:
// the report must render on GitHub from a plain file, and the numbers must come from this run.
import { formatNs } from './results.js';

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly highlight: boolean;
}

const WIDTH = 760;
const LABEL_WIDTH = 330;
const VALUE_WIDTH = 90;
const BAR_HEIGHT = 22;
const GAP = 10;
const TOP = 44;
// Past this spread a linear axis shows the fast contenders as empty bars.
const LOG_SCALE_SPREAD = 30;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Bars of time per operation (shorter is faster); a log axis when values differ more than 30-fold. */
export function timeChart(title: string, bars: readonly Bar[]): string {
  if (bars.length === 0) throw new RangeError('a chart needs bars');
  const values = bars.map((bar) => bar.value);
  const max = Math.max(...values);
  const min = Math.min(...values);
  const logScale = max / min > LOG_SCALE_SPREAD;
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
  // On the log axis a bar starts one decade below the fastest value, so even that one stays visible.
  const floor = logScale ? Math.log10(min) - 1 : 0;
  const length = (value: number) => (logScale ? ((Math.log10(value) - floor) / (Math.log10(max) - floor)) * plotWidth : (value / max) * plotWidth);
  const height = TOP + bars.length * (BAR_HEIGHT + GAP) + 16;
  const subtitle = `time per operation, median of rounds; shorter is faster${logScale ? ' (logarithmic axis)' : ''}`;
  const rows = bars.map((bar, i) => {
    const y = TOP + i * (BAR_HEIGHT + GAP);
    const barLength = Math.max(2, length(bar.value));
    return [
      `<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT / 2 + 4}" text-anchor="end" font-weight="${bar.highlight ? 700 : 400}">${escapeXml(bar.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${barLength.toFixed(1)}" height="${BAR_HEIGHT}" rx="3" fill="${bar.highlight ? '#2563eb' : '#9ca3af'}"/>`,
      `<text x="${(LABEL_WIDTH + barLength + 6).toFixed(1)}" y="${y + BAR_HEIGHT / 2 + 4}">${escapeXml(formatNs(bar.value))}</text>`,
    ].join('\n  ');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13" fill="#111827">`,
    `  <rect width="100%" height="100%" fill="#ffffff"/>`,
    `  <text x="12" y="20" font-size="15" font-weight="700">${escapeXml(title)}</text>`,
    `  <text x="12" y="36" font-size="11" fill="#4b5563">${escapeXml(subtitle)}</text>`,
    `  ${rows.join('\n  ')}`,
    '</svg>',
    '',
  ].join('\n');
}
