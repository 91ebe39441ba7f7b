// The analysis engine's one entry point: text in, verdicts and findings out. Knows nothing of
// LSP; the server, the CLI and the tests all call it the same way.
import type { FileAnalysis } from './model/report';

export interface EngineOptions {
  /** Folder holding tree-sitter.wasm and tree-sitter-rust.wasm. */
  wasmDir: string;
}

export interface Engine {
  /** Never throws: broken Rust gives partial results and `unknown` verdicts. */
  analyze(text: string): FileAnalysis;
}

export async function createEngine(_options: EngineOptions): Promise<Engine> {
  // Stub until the engine lands: every caller can be built against this contract now.
  return { analyze: () => ({ types: [], findings: [], syntaxErrors: 0 }) };
}
