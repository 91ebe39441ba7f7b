// `npm run review:rules -- CRATE_DIR...` (or the crate folders in RUST_SEND_SYNC_CORPUS): every
// `risky-field` and `missing-bound` finding on real crates, written to test-results/rule-review.md
// with what a reviewer needs to judge it: the type's definition, the impl, and the comment above
// the impl. A human's verdicts (true bug / debatable / false alarm, with a reason) are read from
// test/oracle/rule-review-verdicts.json, keyed `crate-folder/file:line code`, and counted; findings
// without a verdict are listed as unclassified. First, and also when no crates are named, it scores
// the rules on the bug corpus (test/fixtures/bugs, see bug-corpus.ts): recall and precision.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SyntaxNode } from '../../server/src/syntax/parser';
import { formatBugCorpus, scoreBugCorpus } from './bug-corpus';
import { CORPUS_ENV, corpusCrates, runCli, type CliDiagnostic } from './clippy-corpus';
import { getParser, REPO_ROOT } from './rust-items';

const USAGE = 'Usage: npm run review:rules -- CRATE_DIR...';
const CODES = ['risky-field', 'missing-bound'];
const VERDICTS_FILE = join(REPO_ROOT, 'test', 'oracle', 'rule-review-verdicts.json');
const KINDS = ['true bug', 'debatable', 'false alarm'] as const;
type Kind = (typeof KINDS)[number];
type Verdicts = Record<string, { verdict: Kind; why: string }>;

const TYPE_ITEMS = new Set(['struct_item', 'enum_item', 'union_item']);
const MAX_LINES = 40;

function clip(text: string): string {
  const lines = text.split('\n');
  return lines.length <= MAX_LINES
    ? text
    : `${lines.slice(0, MAX_LINES).join('\n')}\n    // ... (${lines.length - MAX_LINES} more lines)`;
}

/** The comment lines directly above `line` (1-based), skipping attributes and blank lines. */
function commentAbove(lines: string[], line: number): string {
  const out: string[] = [];
  for (let i = line - 2; i >= 0; i--) {
    const t = lines[i].trim();
    if (t === '' || (out.length === 0 && /^#!?\[.*\]$/.test(t))) continue;
    if (t.startsWith('//') || t.startsWith('*') || t.startsWith('/*') || t.endsWith('*/')) out.unshift(lines[i]);
    else break;
  }
  return out.join('\n');
}

interface Context {
  typeDef?: string;
  implText: string;
  comment: string;
}

async function context(crateDir: string, d: CliDiagnostic): Promise<Context> {
  const source = readFileSync(join(crateDir, d.file), 'utf8');
  const lines = source.split(/\r?\n/);
  const parser = await getParser();
  const tree = parser.parse(source);
  try {
    let impl: SyntaxNode | undefined;
    const defs = new Map<string, SyntaxNode[]>();
    const walk = (n: SyntaxNode) => {
      if (n.type === 'impl_item' && n.startPosition.row === d.line - 1 && !impl) impl = n;
      if (TYPE_ITEMS.has(n.type)) {
        const name = n.childForFieldName('name')?.text;
        if (name) defs.set(name, [...(defs.get(name) ?? []), n]);
      }
      for (const c of n.children) if (c) walk(c);
    };
    walk(tree.rootNode);
    const implText = impl ? impl.text : lines.slice(d.line - 1, d.endLine).join('\n');
    const typeNode = impl?.childForFieldName('type');
    const typeName = typeNode ? (typeNode.childForFieldName('type') ?? typeNode).text.split('::').pop() : undefined;
    const candidates = typeName ? (defs.get(typeName) ?? []) : [];
    const typeDef = candidates.length
      ? candidates.map((n) => `// line ${n.startPosition.row + 1}\n${n.text}`).join('\n\n')
      : undefined;
    return { typeDef, implText: clip(implText), comment: commentAbove(lines, d.line) };
  } finally {
    tree.delete();
  }
}

const OUT_FILE = join(REPO_ROOT, 'test-results', 'rule-review.md');

function writeReview(md: string[]): void {
  mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
  writeFileSync(OUT_FILE, `${md.join('\n')}\n`);
}

/** Whether crate folders were named (arguments or the environment), without exiting as corpusCrates does. */
function cratesNamed(args: string[]): boolean {
  return args.some((a) => !a.startsWith('--')) || (process.env[CORPUS_ENV] ?? '').trim() !== '';
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const bugSection = formatBugCorpus(scoreBugCorpus());
  process.stdout.write(`${bugSection.join('\n')}\n`);
  if (!cratesNamed(args)) {
    process.stdout.write(
      `No corpus crates: pass crate folders (each with a Cargo.toml) as arguments or list them in ${CORPUS_ENV}; ` +
        'the bug corpus only.\n',
    );
    writeReview([
      '# risky-field and missing-bound findings',
      '',
      ...bugSection,
      '## Corpus crates',
      '',
      '_none named_',
    ]);
    process.stdout.write(`written to test-results/rule-review.md\n`);
    return;
  }
  const crates = corpusCrates(args, USAGE);
  const verdicts = (existsSync(VERDICTS_FILE) ? JSON.parse(readFileSync(VERDICTS_FILE, 'utf8')) : {}) as Verdicts;
  const md: string[] = ['# risky-field and missing-bound findings on real crates', ''];
  md.push(
    'Each finding with the type definition, the comment above the impl, and the impl. Verdicts from',
    '`test/oracle/rule-review-verdicts.json`.',
    '',
  );
  const tally = new Map<string, number>();
  const count = (k: string) => tally.set(k, (tally.get(k) ?? 0) + 1);
  const unclassified: string[] = [];
  const used = new Set<string>();
  for (const crateDir of crates) {
    const name = basename(crateDir);
    const findings = runCli(crateDir).filter((d) => CODES.includes(d.code));
    md.push(`## ${name} (${findings.length} findings)`, '');
    for (const d of findings) {
      const key = `${name}/${d.file}:${d.line} ${d.code}`;
      const v = verdicts[key];
      used.add(key);
      count(`${d.code}: ${v?.verdict ?? 'unclassified'}`);
      if (!v) unclassified.push(key);
      const ctx = await context(crateDir, d);
      md.push(`### \`${name}/${d.file}:${d.line}\` ${d.code}`, '');
      md.push(`> ${d.message}`, '');
      md.push(`**Verdict:** ${v ? `${v.verdict}: ${v.why}` : '_unclassified_'}`, '');
      md.push('```rust');
      md.push(ctx.typeDef ? clip(ctx.typeDef) : '// (type defined in another file)');
      md.push('');
      if (ctx.comment) md.push(ctx.comment);
      else md.push('// (no comment above the impl)');
      md.push(ctx.implText, '```', '');
    }
  }
  const stale = Object.keys(verdicts).filter((k) => !used.has(k));
  const summary = [
    '## Counts',
    '',
    '| rule | ' + KINDS.join(' | ') + ' | unclassified |',
    '|---|' + KINDS.map(() => '---|').join('') + '---|',
  ];
  for (const code of CODES) {
    summary.push(`| ${code} | ${[...KINDS, 'unclassified'].map((k) => tally.get(`${code}: ${k}`) ?? 0).join(' | ')} |`);
  }
  summary.push('');
  if (stale.length)
    summary.push(`Verdicts for findings no longer reported: ${stale.map((s) => `\`${s}\``).join(', ')}`, '');
  md.splice(3, 0, ...summary);
  md.splice(2, 0, ...bugSection);
  writeReview(md);
  process.stdout.write(`${summary.join('\n')}\n`);
  if (unclassified.length)
    process.stdout.write(`unclassified (${unclassified.length}):\n${unclassified.map((u) => `  ${u}`).join('\n')}\n`);
  process.stdout.write(`written to test-results/rule-review.md\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(2);
});
