import { ESLintUtils } from '@typescript-eslint/utils';

/**
 * Extra `meta.docs` every bulwark rule declares. `recommended` is the severity the rule has in
 * `configs.recommended` (`false` keeps it out); the plugin builds that config from this field so
 * the rule files stay the single source of truth, and eslint-doc-generator reads the config.
 */
export interface BulwarkRuleDocs {
  recommended: 'error' | 'warn' | false;
}

export const createRule = ESLintUtils.RuleCreator<BulwarkRuleDocs>(
  (name) => `https://github.com/bulwark-dev/bulwark/blob/main/eslint-plugin/docs/rules/${name}.md`,
);
