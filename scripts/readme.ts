// The README's generated sections, between `<!-- generated: NAME -->` and `<!-- end: NAME -->`:
// the settings table from package.json `contributes.configuration`, and the CLI usage from the
// CLI's own help texts. `npx tsx scripts/readme.ts` rewrites them; test/docs/readme.test.ts fails
// when the README differs from what this would write.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_HELP, MAIN_HELP } from '../src/cli/help';

export const README = join(__dirname, '..', 'README.md');

interface Setting {
  readonly type: string;
  readonly default?: unknown;
  readonly enum?: readonly string[];
  readonly enumDescriptions?: readonly string[];
  readonly markdownDescription?: string;
}

export interface Manifest {
  readonly contributes: {
    readonly commands: ReadonlyArray<{ readonly command: string; readonly title: string; readonly category?: string }>;
    readonly configuration: { readonly properties: Readonly<Record<string, Setting>> };
  };
}

export function manifest(): Manifest {
  return JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as Manifest;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function settingsTable(pkg: Manifest): string {
  const rows = Object.entries(pkg.contributes.configuration.properties).map(([key, setting]) => {
    const values = setting.enum?.map((value, index) => `\`${value}\`: ${setting.enumDescriptions?.[index] ?? ''}`.trim()).join('; ');
    const meaning = [setting.markdownDescription ?? '', values ? `(${values})` : ''].filter(Boolean).join(' ');
    return `| \`${key}\` | \`${String(setting.default)}\` | ${cell(meaning)} |`;
  });
  return ['| setting | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

export function cliUsage(): string {
  const usages = Object.values(COMMAND_HELP).map((help) => help.split('\n')[0] ?? '');
  return ['```text', MAIN_HELP, '', ...usages, '```'].join('\n');
}

export const SECTIONS: Readonly<Record<string, () => string>> = {
  settings: () => settingsTable(manifest()),
  'cli-usage': cliUsage,
};

/** The README with every generated section written anew. */
export function regenerate(readme: string): string {
  let text = readme;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const pattern = new RegExp(`(<!-- generated: ${name} [^\\n]*-->)[\\s\\S]*?(<!-- end: ${name} -->)`);
    if (!pattern.test(text)) throw new Error(`README.md has no generated section "${name}"`);
    text = text.replace(pattern, (_match, open: string, close: string) => `${open}\n${render()}\n${close}`);
  }
  return text;
}

if (require.main === module) {
  writeFileSync(README, regenerate(readFileSync(README, 'utf8')));
  console.log('README.md: generated sections written');
}
