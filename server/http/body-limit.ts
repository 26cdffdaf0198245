import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

type Incoming = IncomingMessage & { rawBody?: unknown };

/**
 * hono's `bodyLimit`, without its cost on the common request. hono's reads `c.req.raw.body`, which on
 * @hono/node-server turns the light request into a full WHATWG `Request` with a web body stream (and every
 * later body read then goes through that stream): a third of a millisecond of CPU per request, GETs included.
 * Here, on @hono/node-server:
 * - a GET or HEAD passes at once (@hono/node-server never reads their body);
 * - a request that declares its `Content-Length` (without `Transfer-Encoding`, under which Node's parser
 *   ignores the length) is judged by it: Node's parser holds the body to that length;
 * - a chunked body is read from the socket here, counted as it comes, and refused as soon as it passes the
 *   limit; a whole one is handed on as the `rawBody` @hono/node-server reads instead of the socket.
 * Elsewhere (`app.request()` in tests) hono's own middleware counts the body stream.
 */
export function limitBody(options: { maxSize: number; onError: (c: Context) => Response }): MiddlewareHandler {
  const streamed = bodyLimit(options);
  return async (c, next) => {
    const method = c.req.method;
    const incoming = (c.env as { incoming?: Incoming } | undefined)?.incoming;
    if (!incoming || typeof incoming.on !== 'function') return streamed(c, next);
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (c.req.header('transfer-encoding') === undefined) {
      // Neither header: HTTP/1.1 framing says there is no body.
      if (length === undefined || Number.parseInt(length || '0', 10) <= options.maxSize) return next();
      return options.onError(c);
    }
    if (incoming.rawBody !== undefined || incoming.readableDidRead) return streamed(c, next);
    const body = await readAtMost(incoming, options.maxSize);
    if (body === null) return options.onError(c);
    incoming.rawBody = body;
    return next();
  };
}

/** The whole body, or null as soon as it passes `maxSize` (the rest is left unread: the answer closes the connection). */
function readAtMost(incoming: IncomingMessage, maxSize: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, incoming.readableEncoding ?? 'utf8') : chunk;
      size += buffer.length;
      if (size > maxSize) {
        done();
        incoming.pause();
        resolve(null);
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      if (incoming.readableEnded) return onEnd();
      done();
      reject(new Error('Client connection prematurely closed.'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}
