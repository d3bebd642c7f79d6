/** A free TCP port on 127.0.0.1 (tests and benchmarks start servers and databases on it). */
import net from 'node:net';

/** Asks the OS for a free loopback port and releases it for the caller. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
