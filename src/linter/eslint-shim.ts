// Stands in for the `eslint` package inside dist/linter.js. @typescript-eslint/utils subclasses
// ESLint's Node-only classes (ESLint, RuleTester, SourceCode) at load time; the rules never use
// them, and bundling the real ones would drag in ESLint's file-system config loader.
export { Linter } from 'eslint/universal';
export class ESLint {}
export class RuleTester {}
export class SourceCode {}
export default {};
