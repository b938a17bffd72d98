import { connect, type Socket } from 'node:net';

/**
 * Connects to host:port, retrying every `retryMs` while the other side is not listening yet (rank 0
 * may start after the others), until `deadline` (a Date.now() value). Rejects with the last error.
 */
export async function connectWithRetry(
  host: string,
  port: number,
  deadline: number,
  retryMs: number,
): Promise<Socket> {
  let last: Error = new Error('no attempt was made');
  while (Date.now() < deadline) {
    try {
      return await connectOnce(host, port, deadline - Date.now());
    } catch (err) {
      last = err as Error;
      await new Promise((r) => setTimeout(r, Math.min(retryMs, Math.max(deadline - Date.now(), 0))));
    }
  }
  throw last;
}

function connectOnce(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`connect to ${host}:${port} timed out`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}
