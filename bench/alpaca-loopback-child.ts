// The loopback Alpaca server of data.download_300x300 in a process of its own
// (child_process.fork), so the benchmark's client does not share its event
// loop or its CPU time with the server. Messages from the parent:
//   {type:'start', latencyMs, symbols, opens} -> {type:'ready', port, keyId, secret}
//   {type:'mark'}   -> {type:'marked'}  (starts counting requests and CPU time)
//   {type:'report'} -> {type:'report', requests: [{path, query}], cpuUs}  (since the mark)
//   {type:'close'}  -> closes the server and exits.
// The bars are generated here from the symbols and session opens, so 90,000
// bars need not cross the IPC channel, and aggregated to daily bars before the
// first request. Prices are in cents, as US equities above $1 trade (and as
// Alpaca's bars carry them); the first versions had 16-17 significant digits,
// which made each answer's JSON about a third larger than a real one.
import { AlpacaLoopbackServer, type LoopbackBar } from '../test/support/loopback/alpaca-server.js';

export type ChildRequest =
  | { type: 'start'; latencyMs: number; symbols: string[]; opens: number[] }
  | { type: 'mark' }
  | { type: 'report' }
  | { type: 'close' };

export type ChildReply =
  | { type: 'ready'; port: number; keyId: string; secret: string }
  | { type: 'marked' }
  | { type: 'report'; requests: Array<{ path: string; query: Record<string, string> }>; cpuUs: number };

let server: AlpacaLoopbackServer | undefined;
let mark = 0;
let cpu0 = process.cpuUsage();

function reply(m: ChildReply): void {
  process.send?.(m);
}

process.on('message', (m: ChildRequest) => {
  void (async () => {
    if (m.type === 'start') {
      server = await AlpacaLoopbackServer.start({ latencyMs: m.latencyMs });
      m.symbols.forEach((s, i) => {
        const bars: LoopbackBar[] = m.opens.map((t, k) => {
          const o = Math.round((50 + i + Math.sin(k / 7) * 5) * 100) / 100;
          const cents = (x: number): number => Math.round(x * 100) / 100;
          return { t, o, h: cents(o + 1), l: cents(o - 1), c: cents(o + 0.5), v: 10_000 + k, vw: cents(o + 0.25) };
        });
        server!.setBars(s, bars);
      });
      // daily bars are derived once here, as a real server has them stored
      server.precomputeBars('1Day');
      reply({ type: 'ready', port: server.port, keyId: server.keyId, secret: server.secret });
    } else if (m.type === 'mark') {
      mark = server!.requests.length;
      cpu0 = process.cpuUsage();
      reply({ type: 'marked' });
    } else if (m.type === 'report') {
      const c = process.cpuUsage(cpu0);
      reply({ type: 'report', requests: server!.requests.slice(mark).map((q) => ({ path: q.path, query: q.query })), cpuUs: c.user + c.system });
    } else if (m.type === 'close') {
      await server?.close();
      process.exit(0);
    }
  })();
});

// the parent went away: do not linger
process.on('disconnect', () => process.exit(0));
