// A small TOML reader, enough for Cargo.toml, Cargo.lock and .cargo/config.toml: tables,
// arrays of tables, dotted keys, strings (basic, literal, multi-line), numbers, booleans, arrays
// and inline tables. Never throws: what it cannot read is skipped, and the caller sees the
// keys it could.

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export function parseToml(text: string): TomlTable {
  const root = table();
  let current = root;
  const src = text.replace(/\r\n?/g, '\n');
  let i = 0;

  const skipSpace = () => {
    while (i < src.length && (src[i] === ' ' || src[i] === '\t')) i++;
  };
  const skipSpaceAndLines = () => {
    for (;;) {
      while (i < src.length && /\s/.test(src[i])) i++;
      if (src[i] === '#') {
        while (i < src.length && src[i] !== '\n') i++;
        continue;
      }
      return;
    }
  };
  const readKeyPart = (): string => {
    skipSpace();
    if (src[i] === '"' || src[i] === "'") return readString();
    const start = i;
    while (i < src.length && /[A-Za-z0-9_-]/.test(src[i])) i++;
    return src.slice(start, i);
  };
  const readKey = (): string[] => {
    const parts = [readKeyPart()];
    skipSpace();
    while (src[i] === '.') {
      i++;
      parts.push(readKeyPart());
      skipSpace();
    }
    return parts;
  };
  const readString = (): string => {
    const quote = src[i];
    const triple = src.startsWith(quote.repeat(3), i);
    i += triple ? 3 : 1;
    if (triple && src[i] === '\n') i++;
    let out = '';
    while (i < src.length) {
      if (triple ? src.startsWith(quote.repeat(3), i) : src[i] === quote) {
        i += triple ? 3 : 1;
        return out;
      }
      if (!triple && src[i] === '\n') return out;
      if (quote === '"' && src[i] === '\\') {
        const c = src[i + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', r: '\r' };
        if (c === 'u' || c === 'U') {
          const len = c === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(src.slice(i + 2, i + 2 + len), 16) || 0xfffd);
          i += 2 + len;
        } else if (c === '\n') {
          i += 2;
          while (i < src.length && /\s/.test(src[i])) i++;
        } else {
          out += map[c] ?? c;
          i += 2;
        }
        continue;
      }
      out += src[i++];
    }
    return out;
  };
  const readValue = (): TomlValue => {
    skipSpace();
    const c = src[i];
    if (c === '"' || c === "'") return readString();
    if (c === '[') {
      i++;
      const arr: TomlValue[] = [];
      for (;;) {
        skipSpaceAndLines();
        if (src[i] === ']' || i >= src.length) {
          i++;
          return arr;
        }
        arr.push(readValue());
        skipSpaceAndLines();
        if (src[i] === ',') i++;
      }
    }
    if (c === '{') {
      i++;
      const inline = table();
      for (;;) {
        skipSpace();
        if (src[i] === '}' || i >= src.length || src[i] === '\n') {
          i++;
          return inline;
        }
        const key = readKey();
        skipSpace();
        if (src[i] === '=') i++;
        setPath(inline, key, readValue());
        skipSpace();
        if (src[i] === ',') i++;
      }
    }
    const start = i;
    while (i < src.length && !/[,\]}\n#]/.test(src[i])) i++;
    const raw = src.slice(start, i).trim();
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    const n = Number(raw.replace(/_/g, ''));
    return Number.isNaN(n) ? raw : n;
  };

  while (i < src.length) {
    skipSpaceAndLines();
    if (i >= src.length) break;
    if (src[i] === '[') {
      const array = src[i + 1] === '[';
      i += array ? 2 : 1;
      const key = readKey();
      while (i < src.length && src[i] !== '\n') i++;
      if (array) {
        const parent = tableAt(root, key.slice(0, -1));
        const last = key[key.length - 1];
        const list = Array.isArray(parent[last]) ? parent[last] : [];
        parent[last] = list;
        const entry = table();
        list.push(entry);
        current = entry;
      } else {
        current = tableAt(root, key);
      }
      continue;
    }
    const key = readKey();
    skipSpace();
    if (src[i] !== '=' || key[0] === '') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    i++;
    setPath(current, key, readValue());
    while (i < src.length && src[i] !== '\n') i++;
  }
  return root;
}

/** A table without a prototype: keys like `__proto__` or `constructor` are plain keys. */
function table(): TomlTable {
  return Object.create(null) as TomlTable;
}

function tableAt(root: TomlTable, path: string[]): TomlTable {
  let t = root;
  for (const part of path) {
    let next = t[part];
    if (Array.isArray(next)) next = next[next.length - 1];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      next = table();
      t[part] = next;
    }
    t = next;
  }
  return t;
}

function setPath(table: TomlTable, path: string[], value: TomlValue): void {
  tableAt(table, path.slice(0, -1))[path[path.length - 1]] = value;
}

export function tomlTable(v: TomlValue | undefined): TomlTable | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

export function tomlString(v: TomlValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function tomlStrings(v: TomlValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
