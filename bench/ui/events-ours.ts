// UI benchmark page: engine quotes through OUR transport path — WsEngineClient
// (validation), FrameBatcher (one flush per animation frame), the desk store's
// applyBatch — to a DOM value written from a store subscription.
import { fmtPrice } from '../../src/renderer/src/lib/format.js';
import { applyBatch, useDesk } from '../../src/renderer/src/store/desk-store.js';
import { FrameBatcher } from '../../src/renderer/src/store/frame-batcher.js';
import { WsEngineClient } from '../../src/renderer/src/transport/ws-client.js';
import { EventProbe, valueElement, wsUrl, type EventBenchApi } from './event-probe.js';

const probe = new EventProbe();
const el = valueElement();
const client = new WsEngineClient(wsUrl());
const batcher = new FrameBatcher(applyBatch);
client.onConnection((s) => {
  if (s === 'open') probe.connected = true;
});
client.onEvent((event) => {
  if (event.topic === 'quotes') for (const q of event.data) probe.receive(q.bid, q.ts);
  batcher.push(event);
});
useDesk.subscribe((s, prev) => {
  const q = s.quotes.BENCH;
  if (!q || q === prev.quotes.BENCH) return;
  el.textContent = fmtPrice(q.bid, 0);
  probe.shown(q.bid);
});
(window as unknown as { __bench: EventBenchApi }).__bench = probe.api();
