import { isDeepStrictEqual } from 'node:util';
import { ESLintUtils } from '@typescript-eslint/utils';

/**
 * Extra `meta.docs` every bulwark rule declares. `recommended` is the severity the rule has in
 * `configs.recommended` (`false` keeps it out); the plugin builds that config from this field so
 * the rule files stay the single source of truth, and eslint-doc-generator reads the config.
 */
export interface BulwarkRuleDocs {
  recommended: 'error' | 'warn' | false;
}

const createDocumentedRule = ESLintUtils.RuleCreator<BulwarkRuleDocs>(
  (name) => `https://github.com/bulwark-dev/bulwark/blob/main/eslint-plugin/docs/rules/${name}.md`,
);

/**
 * `RuleCreator`, except that the options merged with their defaults are computed once per
 * configuration instead of once per linted file. `RuleCreator` deep-clones the defaults on every
 * `create` call (a `structuredClone` per rule per file): on a large run that alone cost more than
 * most rules' own work. The merged options are frozen, since every file now shares them.
 */
export const createRule: typeof createDocumentedRule = (rule) => {
  const documented = createDocumentedRule(rule);
  // `defaultOptions` at the top level is the older spelling some rules still use.
  const resolveOptions = optionsResolver(rule.meta.defaultOptions ?? rule.defaultOptions ?? []);
  return {
    ...documented,
    create: (context) => rule.create(context, resolveOptions(context.options) as never),
  };
};

type Options = readonly unknown[];

const NO_OPTIONS: Options = Object.freeze([]);

/**
 * Maps a rule's configured options to the options merged with `defaults`. ESLint hands every
 * file of one configuration an options array holding the same objects (or, for
 * `['error', {...}]` entries, equal fresh ones), so the last result is reused while the
 * configuration stays the same.
 */
function optionsResolver(defaults: Options): (configured: Options | undefined) => Options {
  let last: { configured: Options; merged: Options } | undefined;
  return (configured = NO_OPTIONS) => {
    if (last && sameOptions(configured, last.configured)) return last.merged;
    // Cloned before freezing: the merge may hold objects of the user's own configuration.
    const merged = deepFreeze(structuredClone(ESLintUtils.applyDefault(defaults, configured)));
    last = { configured, merged };
    return merged;
  };
}

function sameOptions(configured: Options, previous: Options): boolean {
  if (configured.length !== previous.length) return false;
  return configured.every((option, index) => option === previous[index]) || isDeepStrictEqual(configured, previous);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
