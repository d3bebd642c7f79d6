/**
 * RSA-OAEP-SHA256 key unwrapping on worker threads of our own, an option (FLOWS_KEY_UNWRAP_THREADS,
 * off by default). Every Flows request carries a fresh AES key wrapped with the endpoint's RSA-2048
 * public key, and unwrapping it is a private-key operation, about half of a request's CPU.
 * Trade-off: the threads take that work off the event loop and onto the other cores, which only
 * pays at hundreds of Flows requests per second, at the price of threads per process and a message
 * hop per request. Node's synchronous privateDecrypt runs in the threads, not WebCrypto, whose
 * per-call overhead on the event loop is most of what the threads save (bench/results/design-measurements.md).
 *
 * The threads start with the first unwrap, are unref'd (they never keep a process alive), and
 * close() ends them.
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
 * thread frees up first: a thread the OS takes off the core holds back a few requests, not a queue
 * of its own that others pass. Fewer per thread left the threads idle while their answers waited
 * for the event loop; more lengthened the tail.
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
