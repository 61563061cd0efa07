// The plugin's rule names as a type, for code that maps rules to something (the VS Code
// extension's quick-fix table): renaming a rule then fails to compile there instead of silently
// dropping its entry.
import type { rules } from './rules/index.js';

export type BulwarkRuleName = keyof typeof rules;
