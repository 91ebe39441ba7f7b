// The one definition of the user's settings: their names, types, defaults and descriptions (from
// which package.json's `contributes.configuration` must not drift: a unit test holds it), how a
// raw configuration object becomes typed Settings, and how a rule's setting picks a severity.
import { SETTINGS_SECTION } from '../../../common/protocol';
import { defaultRuleLevels, RULE_CODES, ruleFor, type Finding, type RuleCode } from '../rules';
import { groupFindings, type Diagnosis } from '../rules/group';
import { RULE_LEVELS, type RuleLevel, type Severity } from '../rules/rule';

export { SETTINGS_SECTION } from '../../../common/protocol';

const TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;

export interface Settings {
  enable: boolean;
  rules: Record<RuleCode, RuleLevel>;
  /** The server skips larger files; unset means DEFAULT_MAX_FILE_SIZE_MB. */
  maxFileSizeMB?: number;
  /** One SAFETY comment above an adjacent `unsafe impl Send` + `unsafe impl Sync` covers both. */
  safetyCommentCoversPair: boolean;
  /** Read the workspace's crates with every feature on (`cargo --all-features`), not the default ones. */
  allFeatures: boolean;
  /** One diagnostic per `unsafe impl`, led by its most important finding (off: one per finding). */
  groupFindings: boolean;
  /** Verdicts as inlay hints after each type's name (`inlayHints.enable`; off by default). */
  inlayHints: boolean;
}

export function defaultSettings(): Settings {
  return {
    enable: true,
    rules: defaultRuleLevels(),
    safetyCommentCoversPair: false,
    allFeatures: false,
    groupFindings: true,
    inlayHints: false,
  };
}

/** One property of `contributes.configuration.properties`, in package.json's own shape. */
export interface SettingSchema {
  type: 'boolean' | 'string' | 'number';
  default: boolean | string | number;
  enum?: readonly string[];
  minimum?: number;
  scope?: 'window' | 'resource';
  description: string;
}

export function settingsSchema(): Record<string, SettingSchema> {
  const schema: Record<string, SettingSchema> = {
    [`${SETTINGS_SECTION}.enable`]: {
      type: 'boolean',
      default: true,
      scope: 'window',
      description: 'Show Send/Sync verdicts on hover and check `unsafe impl Send/Sync`.',
    },
  };
  for (const code of RULE_CODES) {
    schema[`${SETTINGS_SECTION}.rules.${code}`] = {
      type: 'string',
      enum: RULE_LEVELS,
      default: ruleFor(code).defaultLevel,
      scope: 'window',
      description: `Severity of \`${code}\` (${ruleFor(code).title}), or \`off\`.`,
    };
  }
  schema[`${SETTINGS_SECTION}.safetyCommentCoversPair`] = {
    type: 'boolean',
    default: false,
    scope: 'window',
    description:
      'Accept one `// SAFETY:` comment above an `unsafe impl Send` directly followed by the `unsafe impl Sync` for the same type (clippy asks for one comment per impl).',
  };
  schema[`${SETTINGS_SECTION}.allFeatures`] = {
    type: 'boolean',
    default: false,
    scope: 'window',
    description:
      "Read the workspace's crates with all their features on, as `cargo build --all-features` (off: their default features decide `#[cfg(feature = ...)]`).",
  };
  schema[`${SETTINGS_SECTION}.groupFindings`] = {
    type: 'boolean',
    default: true,
    scope: 'window',
    description:
      'One diagnostic per `unsafe impl`, led by its most important finding (`missing-bound`, then `risky-field`, then `missing-safety-comment`), with the others in its message and quick fixes. Off: one diagnostic per finding.',
  };
  schema[`${SETTINGS_SECTION}.inlayHints.enable`] = {
    type: 'boolean',
    default: false,
    scope: 'window',
    description:
      "Show each struct, enum and union's verdict after its name as an inlay hint (`Send · !Sync`, `Send if T: Send`), its reasons in the hint's tooltip.",
  };
  schema[`${SETTINGS_SECTION}.maxFileSizeMB`] = {
    type: 'number',
    default: DEFAULT_MAX_FILE_SIZE_MB,
    minimum: 0,
    scope: 'window',
    description: 'Files larger than this (in megabytes) are not analysed; a note at the top of the file says so.',
  };
  schema[`${SETTINGS_SECTION}.trace.server`] = {
    type: 'string',
    enum: TRACE_LEVELS,
    default: 'off',
    scope: 'window',
    description: 'Log the messages between VS Code and the Rust Send/Sync language server.',
  };
  return schema;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isRuleLevel(value: unknown): value is RuleLevel {
  return typeof value === 'string' && (RULE_LEVELS as readonly string[]).includes(value);
}

/**
 * Reads the `rustSendSync` section as a client sends it (nested objects). Anything missing or
 * malformed keeps its default, so a typo in one setting never switches the server off.
 */
export function parseSettings(raw: unknown): Settings {
  const settings = defaultSettings();
  if (!isRecord(raw)) return settings;
  if (typeof raw.enable === 'boolean') settings.enable = raw.enable;
  if (typeof raw.maxFileSizeMB === 'number' && raw.maxFileSizeMB >= 0) settings.maxFileSizeMB = raw.maxFileSizeMB;
  if (typeof raw.safetyCommentCoversPair === 'boolean') settings.safetyCommentCoversPair = raw.safetyCommentCoversPair;
  if (typeof raw.allFeatures === 'boolean') settings.allFeatures = raw.allFeatures;
  if (typeof raw.groupFindings === 'boolean') settings.groupFindings = raw.groupFindings;
  if (isRecord(raw.inlayHints) && typeof raw.inlayHints.enable === 'boolean')
    settings.inlayHints = raw.inlayHints.enable;
  const rules = raw.rules;
  if (isRecord(rules)) {
    for (const code of RULE_CODES) {
      const level = rules[code];
      if (isRuleLevel(level)) settings.rules[code] = level;
    }
  }
  return settings;
}

/** The severity a finding is shown with, or undefined when its rule is off. */
export function severityFor(code: RuleCode, settings: Settings): Severity | undefined {
  const level = settings.rules[code];
  return level === 'off' ? undefined : level;
}

/** As `severityFor`, and undefined too when a setting the finding names waives it. */
function findingSeverity(finding: Finding, settings: Settings): Severity | undefined {
  if (finding.waivedBy !== undefined && settings[finding.waivedBy]) return undefined;
  return severityFor(finding.code, settings);
}

/** The diagnostics to show for a file's findings under these settings (one per impl when grouped). */
export function diagnosesOf(findings: readonly Finding[], settings: Settings): Diagnosis[] {
  return groupFindings(findings, (f) => findingSeverity(f, settings), settings.groupFindings);
}

/** Above this size the server skips a file (as the CLI's default --max-file-size). */
const DEFAULT_MAX_FILE_SIZE_MB = 5;

export function maxFileSizeBytes(settings: Settings): number {
  return (settings.maxFileSizeMB ?? DEFAULT_MAX_FILE_SIZE_MB) * 1024 * 1024;
}
