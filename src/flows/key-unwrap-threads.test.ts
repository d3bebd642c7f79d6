import crypto from 'node:crypto';
import { createKeyUnwrapThreads, type KeyUnwrapThreads } from './key-unwrap-threads';

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const wrap = (aesKey: Buffer) => crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, aesKey);

describe('createKeyUnwrapThreads', () => {
  let threads: KeyUnwrapThreads;
  beforeAll(() => {
    threads = createKeyUnwrapThreads(privateKey, 2);
  });
  afterAll(async () => threads.close());

  it('gives every one of 64 concurrent requests its own AES key back', async () => {
    const keys = Array.from({ length: 64 }, () => crypto.randomBytes(16));
    const unwrapped = await Promise.all(keys.map((key) => threads.unwrap(wrap(key))));
    expect(unwrapped.map((key) => key.toString('hex'))).toEqual(keys.map((key) => key.toString('hex')));
    expect(unwrapped.every((key) => Buffer.isBuffer(key) && key.length === 16)).toBe(true);
  });

  it('unwraps a key that is a view into a larger buffer (as base64-decoded bytes from the Buffer pool are)', async () => {
    const key = crypto.randomBytes(16);
    const wrapped = wrap(key);
    const pool = Buffer.alloc(8192, 0xab);
    wrapped.copy(pool, 100);
    const view = pool.subarray(100, 100 + wrapped.length);
    expect((await threads.unwrap(view)).equals(key)).toBe(true);
    // The caller's bytes are left as they were.
    expect(view.equals(wrapped)).toBe(true);
  });

  it('rejects a key wrapped for another public key, and keeps serving the next request', async () => {
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const foreign = crypto.publicEncrypt({ key: other.publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, crypto.randomBytes(16));
    await expect(threads.unwrap(foreign)).rejects.toThrow();
    const key = crypto.randomBytes(16);
    expect((await threads.unwrap(wrap(key))).equals(key)).toBe(true);
  });

  it('keeps unwrapping on the other thread while one thread stalls: only the few it already holds wait for it', async () => {
    // Same protocol as the real threads; a key starting with 0xff keeps its thread busy for 1.5 s,
    // as an unwrap does when the OS takes its thread off the core. Other keys come back as they are.
    const stallingSource = `
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', ({ id, encryptedKey }) => {
        if (encryptedKey[0] === 0xff) { const until = Date.now() + 1500; while (Date.now() < until); }
        const key = new Uint8Array(encryptedKey);
        parentPort.postMessage({ id, key }, [key.buffer]);
      });`;
    const stalling = createKeyUnwrapThreads(privateKey, 2, { threadSource: stallingSource });
    try {
      let isStallDone = false;
      const stall = stalling.unwrap(Buffer.from([0xff])).then(() => (isStallDone = true));
      const others = Array.from({ length: 20 }, (_, index) => stalling.unwrap(Buffer.from([index])).then(() => isStallDone));
      const [afterStall] = await Promise.all([Promise.all(others), stall]);
      // The stalled thread was handed 5 more before it stalled (6 at a time); every later one went to
      // the free thread. With a queue per thread, about half of the 20 would wait out the stall.
      expect(afterStall.filter((isAfter) => !isAfter)).toHaveLength(15);
    } finally {
      await stalling.close();
    }
  });

  it('settles every unwrap still queued or running when closed: none is left hanging', async () => {
    const closing = createKeyUnwrapThreads(privateKey, 1);
    // More than a thread holds at once, so most of them are still queued when close() is called.
    const pending = Array.from({ length: 40 }, () => closing.unwrap(wrap(crypto.randomBytes(16))).then(() => 'unwrapped', (error: Error) => error.message));
    await closing.close();
    const outcomes = await Promise.all(pending);
    expect(outcomes.filter((outcome) => outcome !== 'unwrapped').every((outcome) => /closed/.test(outcome))).toBe(true);
    expect(outcomes.filter((outcome) => /closed/.test(outcome)).length).toBeGreaterThan(0);
  });

  it('refuses to unwrap once closed', async () => {
    const closing = createKeyUnwrapThreads(privateKey, 1);
    const key = crypto.randomBytes(16);
    expect((await closing.unwrap(wrap(key))).equals(key)).toBe(true);
    await closing.close();
    await expect(closing.unwrap(wrap(key))).rejects.toThrow(/closed/);
  });
});
