// The language server's entry (dist/server.js): VS Code starts it with `--node-ipc`, other
// editors with `--stdio`. The wasm files are bundled beside this file in dist/.
import { runLanguageServer } from './node-server';

runLanguageServer(__dirname);
