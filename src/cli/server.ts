// The HTTP + WebSocket host behind `tradedesk serve` (also started in-process
// by the bench): static renderer on 127.0.0.1 only, and /ws carrying the
// contract. A connection needs the random token (?token=, compared in constant
// time) and, when it sends an Origin, our own origin. Every malformed message
// gets an error reply naming the problem and is logged; the engine keeps running.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineHandle } from '../engine/engine-api.js';
import type { EngineEvent } from '../shared/api/contract.js';
import { dispatchCommand, parseRequestText, type ResponseMessage } from '../shared/api/protocol.js';
import { createStaticSite } from './static-server.js';

export const LOOPBACK = '127.0.0.1';
const MAX_MESSAGE_BYTES = 1 << 20;
/** Skip event pushes to a client that has this much unsent data (it gets the next snapshot). */
const MAX_BUFFERED_BYTES = 8 << 20;

export interface ServerOptions {
  engine: Pick<EngineHandle, 'handlers' | 'onEvent'>;
  /** 0 = any free port. */
  port: number;
  /** Folder with the built renderer, or null for a placeholder page. */
  staticRoot: string | null;
  log?: (line: string) => void;
  /** Fixed token (tests); default: crypto.randomBytes(24) base64url. */
  token?: string;
}

export interface RunningServer {
  readonly port: number;
  readonly token: string;
  /** http://127.0.0.1:PORT/#token=TOKEN */
  readonly uiUrl: string;
  readonly clients: () => number;
  close(): Promise<void>;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time token comparison (hashing first makes the lengths equal). */
export function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  const body = `${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Bad Request'}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const sockets = new Set<WebSocket>();
  let port = opts.port;
  let site: ReturnType<typeof createStaticSite> | null = null;

  const allowedHosts = (): string[] => [`${LOOPBACK}:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);

  const http: Server = createServer((req, res) => {
    // DNS-rebinding guard: only our own host names are served.
    if (!allowedHosts().includes((req.headers.host ?? '').toLowerCase())) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('misdirected request: unexpected Host header\n');
      return;
    }
    site!.handle(req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    const who = `${req.socket.remoteAddress ?? '?'}`;
    if (url.pathname !== '/ws') {
      log(`ws: refused upgrade to ${url.pathname} from ${who}: only /ws accepts WebSocket connections`);
      return refuseUpgrade(socket, 404, 'WebSocket endpoint is /ws');
    }
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts().includes(host)) {
      log(`ws: refused connection from ${who}: Host ${JSON.stringify(host)} is not ours`);
      return refuseUpgrade(socket, 403, 'unexpected Host header');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin.toLowerCase())) {
      log(`ws: refused connection from ${who}: foreign Origin ${JSON.stringify(origin)}`);
      return refuseUpgrade(socket, 403, `origin ${origin} is not allowed`);
    }
    if (!tokenMatches(url.searchParams.get('token'), token)) {
      log(`ws: refused connection from ${who}: ${url.searchParams.has('token') ? 'wrong token' : 'no token'}`);
      return refuseUpgrade(socket, 401, url.searchParams.has('token') ? 'wrong token' : 'missing ?token=');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    const reply = (msg: ResponseMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    ws.on('message', (raw, isBinary) => {
      if (isBinary) {
        log('ws: refused a binary frame');
        return reply({ id: null, ok: false, error: { code: 'BAD_MESSAGE', message: 'binary frames are not accepted; send JSON text {id, cmd, args}' } });
      }
      const parsed = parseRequestText(raw.toString());
      if (!parsed.ok) {
        log(`ws: ${parsed.error.code}: ${parsed.error.message}`);
        return reply({ id: parsed.id, ok: false, error: parsed.error });
      }
      const { id, cmd, args } = parsed.req;
      void dispatchCommand(opts.engine.handlers, cmd, args).then((out) => {
        if (!out.ok) log(`ws: command ${JSON.stringify(cmd)} (id ${JSON.stringify(id)}) failed: ${out.error.code}: ${out.error.message}`);
        reply(out.ok ? { id, ok: true, result: out.result } : { id, ok: false, error: out.error });
      });
    });
    ws.on('error', (err) => log(`ws: socket error: ${err.message}`));
    ws.on('close', () => sockets.delete(ws));
  });

  const unsubscribe = opts.engine.onEvent((event: EngineEvent) => {
    if (sockets.size === 0) return;
    const text = JSON.stringify({ event: event.topic, data: event.data });
    for (const ws of sockets) {
      if (ws.readyState !== ws.OPEN || ws.bufferedAmount > MAX_BUFFERED_BYTES) continue;
      ws.send(text);
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, LOOPBACK, () => {
      http.off('error', reject);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;
  site = createStaticSite(opts.staticRoot, port, log);

  let closing: Promise<void> | null = null;
  return {
    port,
    token,
    uiUrl: `http://${LOOPBACK}:${port}/#token=${token}`,
    clients: () => sockets.size,
    close() {
      closing ??= (async () => {
        unsubscribe();
        for (const ws of sockets) ws.close(1001, 'server shutting down');
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        // sockets that ignored the close frame
        setTimeout(() => sockets.forEach((ws) => ws.terminate()), 500).unref();
        await closed;
      })();
      return closing;
    },
  };
}
