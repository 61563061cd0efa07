import { readFileSync } from 'node:fs';
import type { TSESLint } from '@typescript-eslint/utils';
import type { BulwarkRuleDocs } from './util/create-rule.js';
import { rules } from './rules/index.js';

export type { BulwarkRuleName } from './rule-names.js';

type Config = TSESLint.FlatConfig.Config;
type BulwarkRule = TSESLint.RuleModule<string, readonly unknown[], BulwarkRuleDocs>;

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

const allRules: Readonly<Record<string, BulwarkRule>> = rules;

const configs: { recommended: Config; all: Config } = { recommended: {}, all: {} };

const plugin = {
  meta: { name: packageJson.name, version: packageJson.version, namespace: 'bulwark' },
  rules: allRules,
  configs,
};

function severities(pick: (rule: BulwarkRule) => 'error' | 'warn' | false): TSESLint.FlatConfig.Rules {
  const entries = Object.entries(allRules).flatMap(([name, rule]) => {
    const severity = pick(rule);
    return severity === false ? [] : [[`bulwark/${name}`, severity] as const];
  });
  return Object.fromEntries(entries);
}

// Configs reference the plugin object itself, so they are filled in after it exists.
configs.recommended = {
  name: 'bulwark/recommended',
  plugins: { bulwark: plugin },
  rules: severities((rule) => rule.meta.docs?.recommended ?? false),
};
configs.all = {
  name: 'bulwark/all',
  plugins: { bulwark: plugin },
  rules: severities(() => 'error'),
};

export default plugin;
