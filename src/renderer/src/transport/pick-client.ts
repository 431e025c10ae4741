// Chooses the transport at start: the Electron preload bridge when present,
// otherwise a WebSocket to the serving host with the token from `#token=...`.
import { IpcEngineClient, isPreloadBridge } from './ipc-client.js';
import type { RendererClient } from './renderer-client.js';
import { WsEngineClient } from './ws-client.js';

export type Boot = { ok: true; client: RendererClient } | { ok: false; error: string };

export function readToken(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token && token.trim() ? token.trim() : null;
}

export function pickClient(win: Window = window): Boot {
  const bridge = (win as unknown as { tradedesk?: unknown }).tradedesk;
  if (bridge !== undefined) {
    if (isPreloadBridge(bridge)) return { ok: true, client: new IpcEngineClient(bridge) };
    return { ok: false, error: 'The Electron bridge (window.tradedesk) is incomplete: the preload does not expose the contract.' };
  }
  const token = readToken(win.location.hash);
  if (!token) {
    return {
      ok: false,
      error: 'No session token in this URL. Open the exact "UI:" link printed by `tradedesk serve` (it ends with #token=…).',
    };
  }
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${win.location.host}/ws?token=${encodeURIComponent(token)}`;
  const probeHost = async (): Promise<boolean> => {
    const res = await fetch(`${win.location.origin}/`, { method: 'HEAD', cache: 'no-store' });
    return res.ok;
  };
  return { ok: true, client: new WsEngineClient(url, { probeHost }) };
}
