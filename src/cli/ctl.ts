// `tradedesk ctl status|halt|resume|kill --url <UI url>`: one command against a
// running engine over the WebSocket contract. --json prints one JSON object.
import { parseArgs } from 'node:util';
import type { EngineStatus } from '../shared/api/contract.js';
import { ApiFailure } from '../shared/api/protocol.js';
import { CliError, UsageError } from './usage.js';
import { ConnectError, WsEngineClient } from './ws-client.js';

const ACTIONS = ['status', 'halt', 'resume', 'kill', 'flatten'] as const;
type Action = (typeof ACTIONS)[number];

function describeStatus(s: EngineStatus): string {
  const lines = [
    `trading state    ${s.tradingState}`,
    `mode / venue     ${s.mode} / ${s.venue} (profile ${s.profile}, seed ${s.seed}, speed ${s.speed})`,
    `engine clock     ${new Date(s.now).toISOString()}${s.running ? '' : ' (stopped)'}`,
    `open orders      ${s.openOrders}`,
    `positions        ${s.positions}`,
    `orders           ${s.ordersSubmitted} submitted, ${s.ordersDenied} denied, ${s.fills} fills`,
  ];
  if (s.lastStateChange) {
    const c = s.lastStateChange;
    lines.push(`last change      ${c.from} -> ${c.to} by ${c.actor}: ${c.reason}`);
  }
  return lines.join('\n');
}

export async function runCtl(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      reason: { type: 'string' },
      json: { type: 'boolean', default: false },
      symbol: { type: 'string' },
      strategy: { type: 'string' },
    },
  });
  if (positionals.length !== 1 || !ACTIONS.includes(positionals[0] as Action)) {
    throw new UsageError(`ctl needs exactly one action: ${ACTIONS.join(' | ')}${positionals.length ? ` (got ${positionals.map((p) => JSON.stringify(p)).join(' ')})` : ''}`);
  }
  const action = positionals[0] as Action;
  if (!values.url) throw new UsageError('ctl needs --url <UI url> (the line `tradedesk serve` printed)');
  const reason = values.reason?.trim();
  if (action === 'resume' && !reason) throw new UsageError('resume needs --reason TEXT: say why trading may resume');
  if (values.reason !== undefined && !reason) throw new UsageError('--reason must not be empty');
  if (action === 'status' && reason) throw new UsageError('status takes no --reason');
  if (values.symbol && values.strategy) throw new UsageError('give --symbol or --strategy, not both');
  if ((values.symbol || values.strategy) && action === 'status') throw new UsageError('status takes no --symbol/--strategy');
  const scope = values.symbol ? { symbol: values.symbol } : values.strategy ? { strategy: values.strategy } : undefined;
  const scoped = scope ? { scope } : {};

  let client: WsEngineClient;
  try {
    client = await WsEngineClient.connect(values.url, { callTimeoutMs: 15_000 });
  } catch (e) {
    if (e instanceof ConnectError || e instanceof Error) throw new CliError(e.message, 1);
    throw e;
  }
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  try {
    switch (action) {
      case 'status': {
        const s = await client.call('status', {});
        out(values.json ? JSON.stringify(s) : describeStatus(s));
        break;
      }
      case 'halt': {
        const s = await client.call('halt', { ...(reason ? { reason } : {}), ...scoped });
        out(values.json ? JSON.stringify(s) : `trading ${s.tradingState}\n${describeStatus(s)}`);
        break;
      }
      case 'resume': {
        const s = await client.call('resume', { reason: reason!, ...scoped });
        out(values.json ? JSON.stringify(s) : `trading ${s.tradingState}\n${describeStatus(s)}`);
        break;
      }
      case 'kill': {
        const r = await client.call('kill', { ...(reason ? { reason } : {}), ...scoped });
        out(values.json ? JSON.stringify(r) : `kill switch: canceled ${r.canceled} order(s), ${r.stillOpen} still open; trading ${r.status.tradingState}`);
        break;
      }
      case 'flatten': {
        const r = await client.call('flatten', { ...(reason ? { reason } : {}), ...scoped });
        out(
          values.json
            ? JSON.stringify(r)
            : `flatten: canceled ${r.canceled} order(s), ${r.stillOpen} still open, sent ${r.flattenOrders} closing order(s), ${r.positionsLeft} position(s) left; trading ${r.status.tradingState}`,
        );
        return r.positionsLeft === 0 && r.stillOpen === 0 ? 0 : 1;
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof ApiFailure) throw new CliError(`${action} failed: ${e.code}: ${e.message}`, 1);
    throw e;
  } finally {
    client.close();
  }
}
