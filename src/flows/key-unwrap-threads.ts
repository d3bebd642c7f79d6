/**
 * RSA-OAEP-SHA256 key unwrapping on worker threads of our own. Every Flows request carries a fresh
 * AES key wrapped with the endpoint's RSA-2048 public key, and unwrapping it is a private-key
 * operation of ~0.8 ms of CPU (OpenSSL's own `openssl speed rsa2048` here: 0.80 ms), about half of
 * a request.
 *
 * Why not WebCrypto on libuv's pool (the earlier way): measured on this 2-core machine with 32
 * requests in flight, WebCrypto cost the event loop ~0.3 ms per unwrap (algorithm normalisation,
 * WebIDL checks, promise plumbing), capping a process at ~1,080 unwraps/s, and now and then one
 * unwrap waited 0.4–0.9 s while later ones went by (p99 37 ms, max 894 ms). Two worker threads
 * running Node's synchronous privateDecrypt, fed by the main thread: ~0.13 ms of event loop per
 * unwrap, 1,720 unwraps/s, p99 28 ms, max 124 ms, on the same test. The libuv pool also stays free
 * for file and DNS work, which could otherwise stall an unwrap behind them.
 *
 * The threads start with the first unwrap (a process that never serves Flows starts none), are
 * unref'd (they never keep a process alive), and close() ends them.
 */
import type { KeyObject } from 'node:crypto';
import os from 'node:os';
import { Worker } from 'node:worker_threads';

/** Unwraps AES keys on worker threads; close() ends the threads (pending unwraps are rejected). */
export interface KeyUnwrapThreads {
  unwrap(encryptedKey: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

// Plain JavaScript evaluated in the thread: no TypeScript loader is needed there, in any runner.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const options = { key: workerData.privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
parentPort.on('message', ({ id, encryptedKey }) => {
  try {
    const key = new Uint8Array(crypto.privateDecrypt(options, encryptedKey));
    parentPort.postMessage({ id, key }, [key.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});`;

interface Pending {
  resolve: (key: Buffer) => void;
  reject: (error: Error) => void;
}

/** An unwrap not yet handed to a thread. */
interface Queued extends Pending {
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
}

interface UnwrapThread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Unwraps one thread holds at a time. One queue feeds all threads, so an unwrap goes to whichever
 * thread frees up first: a thread the OS takes off the core (2 cores shared with the event loop,
 * PostgreSQL and the rest) holds back a few requests, not a queue of its own that others pass.
 * Measured with bench:flows, interleaved, 2 runs each against queues per thread: 6 per thread gave
 * p99 28/29 ms against 34/34 at the same throughput (1,794/1,768 against 1,751/1,745 requests/s);
 * 2 or 3 per thread left the threads idle while their answers waited for the event loop (−7 to −12 %
 * requests/s, CPU 6–8 % idle).
 */
const UNWRAPS_PER_THREAD = 6;

/** The threads a process runs by default: one per core (RSA is pure CPU). */
function defaultKeyUnwrapThreadCount(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * Creates the unwrapper for `privateKey` (an RSA KeyObject: it is passed to each thread).
 * `threadSource` replaces the threads' code (tests: a thread that stalls on purpose).
 */
export function createKeyUnwrapThreads(
  privateKey: KeyObject,
  threadCount = defaultKeyUnwrapThreadCount(),
  options: { threadSource?: string } = {},
): KeyUnwrapThreads {
  const threadSource = options.threadSource ?? THREAD_SOURCE;
  let threads: UnwrapThread[] | undefined;
  let nextId = 0;
  let isClosed = false;
  // First come, first served across all threads.
  const queue: Queued[] = [];

  const dispatch = (thread: UnwrapThread) => {
    while (thread.pending.size < UNWRAPS_PER_THREAD && queue.length > 0) {
      const { id, bytes, resolve, reject } = queue.shift()!;
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, encryptedKey: bytes }, [bytes.buffer]);
    }
  };

  const startThread = (): UnwrapThread => {
    const worker = new Worker(threadSource, { eval: true, workerData: { privateKey } });
    worker.unref();
    const thread: UnwrapThread = { worker, pending: new Map() };
    worker.on('message', (message: { id: number; key?: Uint8Array; error?: string }) => {
      const waiting = thread.pending.get(message.id);
      thread.pending.delete(message.id);
      dispatch(thread);
      if (!waiting) return;
      if (message.key) waiting.resolve(Buffer.from(message.key.buffer, message.key.byteOffset, message.key.byteLength));
      else waiting.reject(new Error(message.error ?? 'RSA-OAEP unwrap failed'));
    });
    // A thread that dies (it should not) fails what it had and is replaced once; 'error' is
    // followed by 'exit', and only the first of the two finds it still in the list.
    const fail = (error: Error) => {
      for (const waiting of thread.pending.values()) waiting.reject(error);
      thread.pending.clear();
      const index = threads?.indexOf(thread) ?? -1;
      if (threads && index >= 0 && !isClosed) {
        const replacement = startThread();
        threads[index] = replacement;
        dispatch(replacement);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!isClosed) fail(new Error(`RSA unwrap thread exited with code ${code}`));
    });
    return thread;
  };

  return {
    unwrap(encryptedKey) {
      if (isClosed) return Promise.reject(new Error('the Flows key unwrap threads are closed'));
      threads ??= Array.from({ length: Math.max(1, threadCount) }, startThread);
      // A small Buffer is a view into Node's shared 8 KiB pool, and posting a view clones its whole
      // backing store: the 256 key bytes go over in an array of their own, moved, not copied again.
      const bytes = new Uint8Array(encryptedKey);
      const promise = new Promise<Buffer>((resolve, reject) => queue.push({ id: nextId++, bytes, resolve, reject }));
      for (const thread of threads) dispatch(thread);
      return promise;
    },
    async close() {
      isClosed = true;
      const running = threads ?? [];
      threads = undefined;
      const closed = new Error('the Flows key unwrap threads are closed');
      for (const waiting of queue.splice(0)) waiting.reject(closed);
      await Promise.all(
        running.map(async (thread) => {
          for (const waiting of thread.pending.values()) waiting.reject(closed);
          thread.pending.clear();
          await thread.worker.terminate();
        }),
      );
    },
  };
}
