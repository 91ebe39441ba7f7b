// The browser global the web entry uses that the ES2022 and Node type libraries lack: the web
// worker extension host has `Worker` (the language server runs in one).
declare class Worker {
  constructor(url: string, options?: { name?: string });
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  terminate(): void;
}
