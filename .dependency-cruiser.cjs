// The directions imports may take (ARCHITECTURE.md, "Who depends on whom"), checked by
// `npm run lint:deps`. Paths are the resolved files, so a relative import and a package import of
// the same file are judged alike.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'runtime-imports-nothing-of-ours',
      comment: "runtime/ is copied into users' projects: it may import npm packages and itself only.",
      severity: 'error',
      from: { path: '^runtime/' },
      to: { path: '^(src|eslint-plugin|scripts|test)/' },
    },
    {
      name: 'plugin-imports-nothing-of-src',
      comment: 'eslint-plugin-bulwark is published on its own: nothing of the extension, the CLI or the engine.',
      severity: 'error',
      from: { path: '^eslint-plugin/' },
      to: { path: '^(src|runtime|scripts|test)/' },
    },
    {
      name: 'engine-stays-pure',
      comment: 'src/engine holds the decisions for every front-end: no vscode, no node:fs, no front-end.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^(src/(cli|extension|linter)/|vscode$|node_modules/@types/vscode/)' },
    },
    {
      name: 'engine-core-modules',
      comment: 'The engine reaches the file system only through its ProjectFs port.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { dependencyTypes: ['core'], path: '^(fs|fs/promises|child_process|readline)$' },
    },
    {
      name: 'cli-never-imports-extension',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/extension/|^vscode$|^node_modules/@types/vscode/' },
    },
    {
      name: 'extension-never-imports-cli',
      severity: 'error',
      from: { path: '^src/extension/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'linter-is-no-front-end-of-ours',
      comment: 'The linter worker runs in plain Node: no vscode, no CLI.',
      severity: 'error',
      from: { path: '^src/linter/' },
      to: { path: '^src/(cli|extension)/|^vscode$|^node_modules/@types/vscode/' },
    },
    {
      name: 'plugin-through-its-package-entry',
      comment: 'The plugin is used as users get it (eslint-plugin-bulwark → eslint-plugin/dist), never from its sources.',
      severity: 'error',
      from: { path: '^(src|scripts)/' },
      to: { path: '^eslint-plugin/src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Not node_modules: excluding it would drop the imports of packages too (vscode among them).
    exclude: { path: '(^|/)(dist|out|\\.host|\\.corpus)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    combinedDependencies: false,
  },
};
