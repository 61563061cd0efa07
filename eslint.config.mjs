// Dogfooding: Bulwark's own runtime and extension code must pass its recommended rules.
import tsParser from '@typescript-eslint/parser';
import bulwark from 'eslint-plugin-bulwark';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', 'out/**', '.host/**', 'eslint-plugin/**', 'runtime/test/**', 'runtime/usage/**', 'test/**'] },
  {
    files: ['runtime/src/**/*.ts', 'runtime/example/**/*.ts', 'src/**/*.ts'],
    languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' },
  },
  { files: ['runtime/src/**/*.ts', 'runtime/example/**/*.ts', 'src/**/*.ts'], ...bulwark.configs.recommended },
];
