// The web worker's entry (dist/web/server.js): the language server over the worker's messages.
import { startBrowserServer, type MessagePortLike } from './browser-server';

// In a worker the global scope is the port: its messages come from, and go to, the client.
startBrowserServer(globalThis as unknown as MessagePortLike);
