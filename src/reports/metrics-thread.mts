/**
 * The METRICS_PORT listener's thread (started by metrics-server.ts). It only carries requests:
 * every answer comes from the main thread, so a blocked main event loop fails /livez here too.
 *
 * Why a thread of its own: the main thread's V8 optimizes its HTTP path (Node's http and stream
 * internals, express) for the requests it serves, and the first scrape of a loaded process, with
 * other shapes, deoptimized that path for good. Here the scrape's HTTP work runs in another
 * isolate with its own compiled code, and the main thread only builds the answer.
 *
 * Node built-ins only: Node runs this file as it is (type stripping) or through tsx.
 */
import { createServer, type ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** What the main thread sends back for one request. */
interface Answer {
  type: 'answer';
  id: number;
  status: number;
  headers: Record<string, string>;
  body: string;
}

const { host, port, answerTimeoutMs } = workerData as { host: string; port: number; answerTimeoutMs: number };
const channel = parentPort!;
const waiting = new Map<number, (answer: Answer) => void>();
let lastId = 0;

channel.on('message', (message: Answer) => {
  const reply = waiting.get(message.id);
  waiting.delete(message.id);
  reply?.(message);
});

function send(res: ServerResponse, answer: Omit<Answer, 'type' | 'id'>): void {
  res.writeHead(answer.status, answer.headers).end(answer.body);
}

const server = createServer((req, res) => {
  lastId += 1;
  const id = lastId;
  const timer = setTimeout(() => {
    waiting.delete(id);
    send(res, {
      status: 503,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: JSON.stringify({ error: { code: 'process_unresponsive', message: `The process did not answer within ${answerTimeoutMs} ms: its event loop is blocked or overloaded.` } }),
    });
  }, answerTimeoutMs);
  waiting.set(id, (answer) => {
    clearTimeout(timer);
    send(res, answer);
  });
  channel.postMessage({ type: 'request', id, method: req.method, url: req.url, authorization: req.headers.authorization });
});

server.once('error', (error: NodeJS.ErrnoException) => {
  channel.postMessage({ type: 'failed', message: error.message, code: error.code });
  channel.close();
});
server.listen(port, host, () => {
  const address = server.address();
  channel.postMessage({ type: 'listening', port: typeof address === 'object' && address ? address.port : port });
});
