// The command line, parsed into a discriminated union: `check` with its options, help, version,
// the language server, or a usage error with its message. No I/O here.
import { RULE_CODES, type RuleCode } from '../rules';
import { isRuleLevel } from '../features/settings';
import { RULE_LEVELS, type RuleLevel } from '../rules/rule';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

export interface CheckOptions {
  format: Format;
  paths: string[];
  rules: Partial<Record<RuleCode, RuleLevel>>;
  maxFileSize: number;
  /** Build the projects' own crates with every feature, as `cargo --all-features`. */
  allFeatures?: boolean;
  /** One diagnostic per finding instead of one per `unsafe impl` (`--no-group`). */
  ungrouped?: boolean;
  /** `--deny warnings`: every finding at `warning` level is reported as an `error`. */
  denyWarnings?: boolean;
  /** `--jobs N`: threads, the main one and N-1 workers (absent: one per core; 1: no workers). */
  jobs?: number;
}

const REPORT_FORMATS = ['markdown', 'json'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  format: ReportFormat;
  paths: string[];
  maxFileSize: number;
  allFeatures?: boolean;
}

export type Command =
  | { kind: 'check'; options: CheckOptions }
  | { kind: 'report'; options: ReportOptions }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'server' }
  | { kind: 'usage-error'; message: string };

export const USAGE = `Usage: rust-send-sync check [OPTIONS] PATH...
       rust-send-sync report [--format markdown|json] [--all-features] PATH...
       rust-send-sync --stdio            (run the language server)

Checks Send/Sync of every struct, enum and union in the given .rs files and folders
(recursively, skipping target/, .git/, node_modules/ and a crate's vendor/), and flags
risky unsafe impls.

Options:
  --format text|json|sarif|github
                             output format (default: text); github: workflow commands
                             (::warning file=...) that annotate a pull request
  --rule CODE=LEVEL          set a rule's level: ${RULE_LEVELS.join('|')}
                             rules: ${RULE_CODES.join(', ')}
  -D, --deny CODE            CODE's level is error (as --rule CODE=error)
  -W, --warn CODE            CODE's level is warning
  -A, --allow CODE           CODE is off
  -D, --deny warnings        report every warning as an error (whatever set it)
                             Level flags apply in order, the last one for a rule wins;
                             --deny warnings applies after them all, to the final levels.
  --max-file-size SIZE       skip larger files (bytes, or with K/M suffix; default 5M)
  --all-features             read each crate with all its features on (default: its default
                             features, as \`cargo build\`)
  -j, --jobs N               check on N threads (this one and N-1 workers), a crate or a batch
                             of files each (default: one per core); the output is the same
  --no-group                 one diagnostic per finding (default: one per unsafe impl, led by
                             its most important finding, the others in its message)
  -h, --help                 print this help
  -V, --version              print the version

A file inside a Cargo project is analysed with its crate: modules in other files, and the
dependencies whose sources cargo has fetched (Cargo.lock, vendor/, the registry).

\`report\` lists every type with its verdicts, grouped by file (markdown by default).

Exit status:
  0  no findings (rules set to off report none)
  1  findings, at any level
  2  a usage error, or a path that could not be checked (missing, unreadable, binary, not
     UTF-8, too large); the other paths are still checked and reported`;

/** clippy's level switches: `-D`/`--deny`, `-W`/`--warn`, `-A`/`--allow`. */
const LEVEL_FLAGS: Record<string, RuleLevel> = {
  '-D': 'error',
  '--deny': 'error',
  '-W': 'warning',
  '--warn': 'warning',
  '-A': 'off',
  '--allow': 'off',
};

const SERVER_FLAGS = ['--stdio', '--node-ipc', '--socket', '--pipe'];

function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kKmMgG]?)[bB]?$/.exec(text.trim());
  if (match === null) return undefined;
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(match[1]) * scale);
}

export function parseArgs(argv: readonly string[]): Command {
  if (argv.some((arg) => SERVER_FLAGS.includes(arg.split('=')[0]))) return { kind: 'server' };
  if (argv.length === 0) return { kind: 'usage-error', message: 'missing command' };
  if (argv.includes('-h') || argv.includes('--help') || argv[0] === 'help') return { kind: 'help' };
  if (argv.includes('-V') || argv.includes('--version')) return { kind: 'version' };
  if (argv[0] === 'report') return parseReportArgs(argv);
  if (argv[0] !== 'check') return { kind: 'usage-error', message: `unknown command \`${argv[0]}\`` };

  const options: CheckOptions = { format: 'text', paths: [], rules: {}, maxFileSize: DEFAULT_MAX_FILE_SIZE };
  let onlyPaths = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPaths || !arg.startsWith('-') || arg === '-') {
      options.paths.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string | undefined => (eq >= 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (name) {
      case '--format': {
        const value = takeValue();
        if (!FORMATS.some((f) => f === value)) {
          return {
            kind: 'usage-error',
            message: `--format wants one of ${FORMATS.join(', ')}, not \`${value ?? ''}\``,
          };
        }
        options.format = value as Format;
        break;
      }
      case '-D':
      case '--deny':
      case '-W':
      case '--warn':
      case '-A':
      case '--allow': {
        const value = takeValue() ?? '';
        const level = LEVEL_FLAGS[name];
        if (value === 'warnings' && level === 'error') {
          options.denyWarnings = true;
          break;
        }
        const rule = RULE_CODES.find((c) => c === value);
        if (rule === undefined) {
          const also = level === 'error' ? ' or `warnings`' : '';
          return {
            kind: 'usage-error',
            message: `${name} wants a rule code (${RULE_CODES.join(', ')})${also}, not \`${value}\``,
          };
        }
        options.rules[rule] = level;
        break;
      }
      case '--rule': {
        const value = takeValue() ?? '';
        const [code, level] = value.split('=');
        const rule = RULE_CODES.find((c) => c === code);
        if (rule === undefined || !isRuleLevel(level)) {
          return {
            kind: 'usage-error',
            message: `--rule wants CODE=LEVEL with CODE one of ${RULE_CODES.join(', ')} and LEVEL one of ${RULE_LEVELS.join(', ')}, not \`${value}\``,
          };
        }
        options.rules[rule] = level;
        break;
      }
      case '--all-features':
        options.allFeatures = true;
        break;
      case '--no-group':
        options.ungrouped = true;
        break;
      case '-j':
      case '--jobs': {
        const value = takeValue() ?? '';
        if (!/^[1-9]\d{0,3}$/.test(value))
          return { kind: 'usage-error', message: `--jobs wants a number of threads (1 or more), not \`${value}\`` };
        options.jobs = Number(value);
        break;
      }
      case '--max-file-size': {
        const value = takeValue() ?? '';
        const size = parseSize(value);
        if (size === undefined)
          return { kind: 'usage-error', message: `--max-file-size wants a size like 5M or 1048576, not \`${value}\`` };
        options.maxFileSize = size;
        break;
      }
      default:
        return { kind: 'usage-error', message: `unknown option \`${arg}\`` };
    }
  }
  if (options.paths.length === 0) return { kind: 'usage-error', message: '`check` needs at least one PATH' };
  return { kind: 'check', options };
}

function parseReportArgs(argv: readonly string[]): Command {
  const options: ReportOptions = { format: 'markdown', paths: [], maxFileSize: DEFAULT_MAX_FILE_SIZE };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      options.paths.push(arg);
      continue;
    }
    if (arg === '--all-features') {
      options.allFeatures = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (name === '--format' && REPORT_FORMATS.some((f) => f === value)) options.format = value as ReportFormat;
    else if (name === '--format')
      return {
        kind: 'usage-error',
        message: `report --format wants one of ${REPORT_FORMATS.join(', ')}, not \`${value ?? ''}\``,
      };
    else if (name === '--max-file-size' && parseSize(value ?? '') !== undefined)
      options.maxFileSize = parseSize(value ?? '')!;
    else return { kind: 'usage-error', message: `unknown option \`${arg}\`` };
  }
  if (options.paths.length === 0) return { kind: 'usage-error', message: '`report` needs at least one PATH' };
  return { kind: 'report', options };
}
