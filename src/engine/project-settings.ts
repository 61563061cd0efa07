// The settings a command runs with, decided once for both front-ends. Precedence, for each:
// what the user asked for in this command (a CLI flag, a command argument) > the front-end's own
// setting (VS Code settings the user set) > bulwark.json > what the project shows (lockfile) >
// the default.
import { CONFIG_FILE, DEFAULT_PATTERNS_DIR, parseBulwarkConfig, type BulwarkConfig } from './bulwark-config';
import { RELATIVE_IMPORTS } from './import-style';
import type { ProjectFs } from './ports';
import { detectPackageManager, parsePackageJson, type PackageJson, type PackageManager } from './project';

export interface SettingOverrides {
  readonly patternsDir?: string;
  readonly importStyle?: string;
  readonly packageManager?: PackageManager;
}

export interface ProjectSettings {
  /** package.json, when the project has one. */
  readonly manifest?: PackageJson;
  /** bulwark.json's values ({} without one). */
  readonly config: BulwarkConfig;
  readonly hasConfig: boolean;
  /** Relative to the project root. */
  readonly patternsDir: string;
  readonly importStyle: string;
  readonly packageManager: PackageManager;
  /** The one the lockfile (or package.json "packageManager") shows. */
  readonly detectedPackageManager: PackageManager;
  /** tsconfig.json at the project root, for import styles. */
  readonly tsconfigText?: string;
}

export async function readProjectSettings(fs: ProjectFs, overrides: SettingOverrides = {}): Promise<ProjectSettings> {
  const [manifestText, configText, tsconfigText, entries] = await Promise.all([
    fs.readText('package.json'),
    fs.readText(CONFIG_FILE),
    fs.readText('tsconfig.json'),
    fs.list('.'),
  ]);
  const manifest = manifestText === undefined ? undefined : parsePackageJson(manifestText);
  const config = configText === undefined ? {} : parseBulwarkConfig(configText, CONFIG_FILE);
  const detectedPackageManager = detectPackageManager(
    entries.map((entry) => entry.name),
    manifest,
  );
  return {
    ...(manifest ? { manifest } : {}),
    config,
    hasConfig: configText !== undefined,
    patternsDir: overrides.patternsDir ?? config.patternsDir ?? DEFAULT_PATTERNS_DIR,
    importStyle: overrides.importStyle ?? config.importStyle ?? RELATIVE_IMPORTS,
    packageManager: overrides.packageManager ?? config.packageManager ?? detectedPackageManager,
    detectedPackageManager,
    ...(tsconfigText !== undefined ? { tsconfigText } : {}),
  };
}
