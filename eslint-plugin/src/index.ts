import { readFileSync } from 'node:fs';
import type { TSESLint } from '@typescript-eslint/utils';
import { BELOW_PRECISION_TARGET } from './configs/precision.js';
import { ignoringTestFiles, PRODUCTION_ONLY_RULES } from './configs/test-files.js';
import type { BulwarkRuleDocs } from './util/create-rule.js';
import { rules } from './rules/index.js';

export type { BulwarkRuleName } from './rule-names.js';

type Config = TSESLint.FlatConfig.Config;
type BulwarkRule = TSESLint.RuleModule<string, readonly unknown[], BulwarkRuleDocs>;

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

const allRules: Readonly<Record<string, BulwarkRule>> = Object.fromEntries(
  Object.entries(rules as Record<string, BulwarkRule>).map(([name, rule]) => [name, PRODUCTION_ONLY_RULES.includes(name) ? ignoringTestFiles(rule) : rule]),
);

const configs: { recommended: Config; all: Config } = { recommended: {}, all: {} };

const plugin = {
  meta: { name: packageJson.name, version: packageJson.version, namespace: 'bulwark' },
  rules: allRules,
  configs,
};

function severities(pick: (rule: BulwarkRule, name: string) => 'error' | 'warn' | false): TSESLint.FlatConfig.Rules {
  const entries = Object.entries(allRules).flatMap(([name, rule]) => {
    const severity = pick(rule, name);
    return severity === false ? [] : [[`bulwark/${name}`, severity] as const];
  });
  return Object.fromEntries(entries);
}

// Configs reference the plugin object itself, so they are filled in after it exists.
configs.recommended = {
  name: 'bulwark/recommended',
  plugins: { bulwark: plugin },
  rules: severities((rule, name) => (name in BELOW_PRECISION_TARGET ? false : (rule.meta.docs?.recommended ?? false))),
  settings: { bulwark: { ignoreTestFiles: true } },
};
configs.all = {
  name: 'bulwark/all',
  plugins: { bulwark: plugin },
  rules: severities(() => 'error'),
};

export default plugin;
