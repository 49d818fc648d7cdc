// Runs one JavaScript example from the reference documents (shared/spec) as written, only its base
// URL changed, and reports every WebSocket it opened: whether it opened, its first frames and its
// close code. The examples open sockets and never close them, so this waits for each socket's
// first frame (or its close) and then ends the process.
// Usage: node --experimental-websocket run-js.mjs example.mjs
import { pathToFileURL } from 'node:url';

const Native = globalThis.WebSocket;
if (!Native) {
  console.error('this node has no WebSocket: run it with --experimental-websocket (node 20) or node 22+');
  process.exit(2);
}

const sockets = [];
globalThis.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    const record = { url: String(args[0]), opened: false, messages: [], close_code: null };
    sockets.push(record);
    record.done = new Promise((resolve) => {
      this.addEventListener('open', () => { record.opened = true; });
      this.addEventListener('message', (e) => { record.messages.push(String(e.data)); resolve(); });
      this.addEventListener('close', (e) => { record.close_code = e.code; resolve(); });
      this.addEventListener('error', () => resolve());
    });
  }
};

await import(pathToFileURL(process.argv[2]).href);
const patience = new Promise((resolve) => setTimeout(resolve, 60_000).unref());
await Promise.race([Promise.all(sockets.map((s) => s.done)), patience]);
console.log('@@sockets ' + JSON.stringify(sockets.map(({ done, ...s }) => s)));
process.exit(0);
