// Linting corpus files the way every corpus script does: TypeScript by @typescript-eslint/parser,
// JavaScript by espree, Node globals, and the other module system when a file only parses that way.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import globals from 'globals';
import { isTypeScript, pluginRoot, sourceTypeOf } from './npm-corpus.mjs';

// `Linter#verify` re-normalizes (and re-validates) a plain config array on every call, a per-file
// cost the CLI pays once per run. Like the CLI, normalize once: Linter accepts any array with
// `getConfig()`, and ESLint's own FlatConfigArray is reached by path (it is not exported).
const require = createRequire(import.meta.url);
const flatConfigArrayPath = join(dirname(require.resolve('eslint')), 'config', 'flat-config-array.js');
const { FlatConfigArray } = existsSync(flatConfigArrayPath) ? require(flatConfigArrayPath) : {};

/** `configArray` normalized once, as the CLI does (a plain array where ESLint's FlatConfigArray cannot be reached). */
export function normalized(configArray) {
  if (!FlatConfigArray) return configArray;
  const array = new FlatConfigArray(configArray, { basePath: pluginRoot });
  array.normalizeSync();
  return array;
}

/** The parsing half of a corpus config: no rules, so it also re-parses a fix's output. */
function parsingConfig(typeScript, jsx, sourceType) {
  return {
    files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType,
      globals: { ...globals.node },
      parserOptions: { ecmaFeatures: { jsx } },
      ...(typeScript ? { parser: tsParser } : {}),
    },
    // Inline `/* eslint ... */` comments in the corpus would switch rules on or off behind our back.
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
  };
}

/** A Linter for corpus files with `configs` after the parsing config, normalized once per kind of file. */
export class CorpusLinter {
  #linter = new Linter({ configType: 'flat' });
  #configs;
  #byKind = new Map();

  constructor(configs = []) {
    this.#configs = configs;
  }

  #configFor(file, sourceType, withRules) {
    const typeScript = isTypeScript(file.path);
    const jsx = /\.[jt]sx$/.test(file.path);
    const key = `${typeScript} ${jsx} ${sourceType} ${withRules}`;
    if (!this.#byKind.has(key)) this.#byKind.set(key, normalized([parsingConfig(typeScript, jsx, sourceType), ...(withRules ? this.#configs : [])]));
    return this.#byKind.get(key);
  }

  /**
   * Lints `code`. Throws what a rule throws; a file that parses in neither module system comes
   * back with its fatal message.
   * @returns {{ messages: import('eslint').Linter.LintMessage[], sourceType: string, fatal?: string }}
   */
  lint(file, code) {
    let sourceType = sourceTypeOf(file);
    let messages = this.#linter.verify(code, this.#configFor(file, sourceType, true), { filename: file.path });
    // Some packages mix module systems; a file that only parses the other way is linted that way.
    if (messages.some((message) => message.fatal) && !isTypeScript(file.path)) {
      sourceType = sourceType === 'module' ? 'commonjs' : 'module';
      messages = this.#linter.verify(code, this.#configFor(file, sourceType, true), { filename: file.path });
    }
    const fatal = messages.find((message) => message.fatal);
    return { messages, sourceType, ...(fatal ? { fatal: fatal.message } : {}) };
  }

  /** The parse error of `code` as `file` in `sourceType`, or undefined when it parses. */
  parseError(file, code, sourceType) {
    return this.#linter.verify(code, this.#configFor(file, sourceType, false), { filename: file.path }).find((message) => message.fatal)?.message;
  }
}
