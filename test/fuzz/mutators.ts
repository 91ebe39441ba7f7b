// Ways to break real Rust source, for the engine fuzz test: each mutator takes a text and a seeded
// random generator and returns a broken text. Cut anywhere, spans deleted or duplicated,
// unbalanced brackets, 10,000-deep nesting, very long lines, NUL bytes, invalid UTF-8 decoded as
// text, CRLF and lone CR line ends, a BOM, identifiers in emoji and other scripts.
import type { Random } from '../seeded-random';

export interface Mutator {
  name: string;
  mutate(text: string, random: Random): string;
}

function spot(text: string, random: Random): number {
  return random.int(text.length + 1);
}

function span(text: string, random: Random, max = 400): [number, number] {
  const start = spot(text, random);
  return [start, Math.min(text.length, start + random.int(max))];
}

function insertAt(text: string, at: number, inserted: string): string {
  return text.slice(0, at) + inserted + text.slice(at);
}

const OPENERS = ['(', '[', '{', '<', '"', "'", '/*', 'r#"', '#[', '|'];
const CLOSERS = [')', ']', '}', '>', '*/', '"#', '::', '->', '=>'];
const DEEP_SHAPES: [string, string][] = [
  ['(', ')'],
  ['[', ']'],
  ['{', '}'],
  ['Vec<', '>'],
  ['&', ''],
  ['mod m { ', '}'],
  ['/*', '*/'],
  ['fn f() { ', '}'],
];
const STRANGE_NAMES = ['😀', 'ñandú', 'Δx', '名前', 'r#type', 'ｆｕｌｌ', 'a\u200db', '𝔘'];

function encodeUtf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export const MUTATORS: readonly Mutator[] = [
  { name: 'truncate', mutate: (text, random) => text.slice(0, spot(text, random)) },
  {
    name: 'delete-span',
    mutate: (text, random) => {
      const [a, b] = span(text, random);
      return text.slice(0, a) + text.slice(b);
    },
  },
  {
    name: 'duplicate-span',
    mutate: (text, random) => {
      const [a, b] = span(text, random);
      return insertAt(text, spot(text, random), text.slice(a, b));
    },
  },
  {
    name: 'move-span',
    mutate: (text, random) => {
      const [a, b] = span(text, random);
      const rest = text.slice(0, a) + text.slice(b);
      return insertAt(rest, spot(rest, random), text.slice(a, b));
    },
  },
  {
    name: 'unbalanced-brackets',
    mutate: (text, random) => {
      let out = text;
      for (let i = 1 + random.int(6); i > 0; i--)
        out = insertAt(out, spot(out, random), random.pick(random.chance(0.5) ? OPENERS : CLOSERS));
      return out;
    },
  },
  {
    name: 'deep-nesting',
    mutate: (text, random) => {
      const [open, close] = random.pick(DEEP_SHAPES);
      const depth = random.chance(0.5) ? 10_000 : 1 + random.int(2000);
      const closed = random.chance(0.5);
      const nest = `type Deep = ${open.repeat(depth)}u8${closed ? close.repeat(depth) : ''};\n`;
      return insertAt(text, random.chance(0.5) ? text.length : spot(text, random), nest);
    },
  },
  {
    name: 'long-line',
    mutate: (text, random) => {
      const unit = random.pick(['x', 'a: u8, ', '// ', '(', ' ', 'é', 'struct S; ']);
      return insertAt(text, spot(text, random), unit.repeat(Math.ceil((10_000 + random.int(200_000)) / unit.length)));
    },
  },
  { name: 'join-lines', mutate: (text) => text.replace(/\n/g, ' ') },
  {
    name: 'nul-bytes',
    mutate: (text, random) => {
      let out = text;
      for (let i = 1 + random.int(8); i > 0; i--)
        out = insertAt(out, spot(out, random), '\0'.repeat(1 + random.int(3)));
      return out;
    },
  },
  {
    name: 'invalid-utf8',
    mutate: (text, random) => {
      const bytes = encodeUtf8(text);
      for (let i = 1 + random.int(16); i > 0 && bytes.length > 0; i--)
        bytes[random.int(bytes.length)] = 0x80 + random.int(0x80);
      return new TextDecoder('utf-8').decode(bytes); // lone continuation bytes become U+FFFD
    },
  },
  {
    name: 'lone-surrogates',
    mutate: (text, random) => insertAt(text, spot(text, random), random.pick(['\ud800', '\udfff', '\udc00x\ud83d'])),
  },
  { name: 'crlf', mutate: (text) => text.replace(/\n/g, '\r\n') },
  { name: 'lone-cr', mutate: (text) => text.replace(/\n/g, '\r') },
  { name: 'bom', mutate: (text) => `\ufeff${text}` },
  {
    name: 'strange-identifiers',
    mutate: (text, random) => {
      const name = random.pick(STRANGE_NAMES);
      return text.replace(/\b(struct|enum|union|impl|for|fn)\s+([A-Za-z_]\w*)/g, (whole, keyword: string) =>
        random.chance(0.5) ? `${keyword} ${name}` : whole,
      );
    },
  },
  {
    name: 'random-bytes',
    mutate: (text, random) => {
      const noise = Array.from({ length: 1 + random.int(200) }, () => String.fromCharCode(random.int(0x3000))).join('');
      return insertAt(text, spot(text, random), noise);
    },
  },
];

/** One to three mutations in a row (from `mutators`), and the names of those applied. */
export function mutate(
  text: string,
  random: Random,
  mutators: readonly Mutator[] = MUTATORS,
): { text: string; applied: string[] } {
  let out = text;
  const applied: string[] = [];
  for (let i = 1 + random.int(3); i > 0; i--) {
    const mutator = random.pick(mutators);
    out = mutator.mutate(out, random);
    applied.push(mutator.name);
  }
  return { text: out, applied };
}
