// The JSON each benchmark section leaves in bench/results/, from which docs/benchmarks.md is rendered.
// Sections are stored separately so `npm run bench -- cache` or `npm run load` refreshes its own part
// of the report without re-running the rest.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ComparisonResult } from './harness.js';

/** A table of measured facts that are not timings: heap sizes, Redis command counts, loader calls. */
export interface FactTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  /** Sentences under the table: what it shows, and whether a target holds. */
  readonly notes?: readonly string[];
}

/** A target from the issue, judged on this run's numbers. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly comparisons: readonly ComparisonResult[];
  readonly facts: readonly FactTable[];
  readonly targets?: readonly TargetCheck[];
  /** Free Markdown placed before the tables (used by the load section). */
  readonly body?: string;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the section started: how busy the shared machine was. */
  readonly loadAverage: number;
}

export interface StoredSection extends Section {
  readonly measuredAt: string;
  readonly machine: Machine;
}

export function describeMachine(): Machine {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
  };
}

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** Stores a section; `machine` should be described when the section started (its load average). */
export async function writeSection(section: Section, machine: Machine): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}${section.id}.json`;
  const stored: StoredSection = { ...section, measuredAt: new Date().toISOString(), machine };
  await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`);
  return file;
}

export async function readSections(): Promise<Map<string, StoredSection>> {
  const sections = new Map<string, StoredSection>();
  let files: string[];
  try {
    files = await readdir(RESULTS_DIR);
  } catch {
    return sections;
  }
  for (const file of files.filter((name) => name.endsWith('.json')).sort()) {
    const section = JSON.parse(await readFile(RESULTS_DIR + file, 'utf8')) as StoredSection;
    sections.set(section.id, section);
  }
  return sections;
}

export function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(ns >= 100 ? 0 : 1)} ns`;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const size = Math.abs(bytes);
  if (size >= 1024 ** 2) return `${sign}${(size / 1024 ** 2).toFixed(1)} MiB`;
  if (size >= 1024) return `${sign}${(size / 1024).toFixed(1)} KiB`;
  return `${sign}${size} B`;
}
