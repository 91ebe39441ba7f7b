// The options the oracle's command lines share: `--name N`, a non-negative integer, or the fallback.
export function integerOption(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    process.stderr.write(`--${name} needs a non-negative integer\n`);
    process.exit(2);
  }
  return v;
}
