// One page of GET /v2/stocks/bars read into checked bars: scanBarsPage's
// reading of its bytes when the page is in the scanner's grammar (every real
// answer), else JSON.parse's - the same bars, drops and errors either way.
// Every bar is checked by the rules of the venue's RestBarPayload schema: the
// common case without zod, anything unusual through the schema itself, which
// names each bar it drops. The bars land in a BarBatch (columns, no object per
// bar).
import { isAscii } from 'node:buffer';
import { VenueError } from '../venues/alpaca/errors.js';
import { RestBarPayload, parsePayload } from '../venues/alpaca/schemas.js';
import { scanBarsPage, type PageBarSink } from './alpaca-bars-page.js';
import { BarBatch } from './bar-columns.js';

interface WireBar {
  t?: unknown;
  o?: unknown;
  h?: unknown;
  l?: unknown;
  c?: unknown;
  v?: unknown;
}

const pos = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/**
 * The common case checked without zod (~50x cheaper on 90k bars): the same
 * rules as RestBarPayload - a valid timestamp, finite positive prices, a finite
 * non-negative volume, high >= open/close/low, low <= open/close. False for
 * anything else, which then goes through the schema.
 */
function plainBar(ts: number, o: unknown, h: unknown, l: unknown, c: unknown, v: unknown): boolean {
  if (!(pos(o) && pos(h) && pos(l) && pos(c) && typeof v === 'number' && Number.isFinite(v) && v >= 0)) return false;
  if (h < Math.max(o, c, l) - 1e-12 || l > Math.min(o, c) + 1e-12) return false;
  return Number.isFinite(ts);
}

/** One page read: its checked bars in page order, the bars it dropped (named), and the next page token. */
export interface BarsPage {
  bars: BarBatch;
  malformed: VenueError[];
  nextPageToken: string | undefined;
}

export const ENDPOINT = 'GET /v2/stocks/bars';

/** A bar the quick check refused, through the venue's schema: pushed when zod accepts it (numeric strings...), else named in `malformed`. */
function schemaBar(page: BarsPage, symbol: string, i: number, b: WireBar | null | undefined): void {
  try {
    const t: unknown = b?.t;
    const timestamp = t instanceof Date ? t : new Date(typeof t === 'string' ? t : NaN);
    const v = parsePayload(RestBarPayload, { timestamp, open: b?.o, high: b?.h, low: b?.l, close: b?.c, volume: b?.v }, ENDPOINT, 'market-data');
    page.bars.push(symbol, v.timestamp.getTime(), v.open, v.high, v.low, v.close, v.volume);
  } catch (e) {
    if (!(e instanceof VenueError)) throw e;
    // The symbol is a map key: name it as sent (wirePath would snake-case it).
    const field = `bars.${symbol}[${i}].${e.field ?? '(payload)'}`;
    page.malformed.push(new VenueError('MALFORMED_PAYLOAD', e.message.replace(`(field '${e.field ?? ''}')`, `(field '${field}')`), { endpoint: ENDPOINT, field, retryable: false, ambiguous: false }));
  }
}

const tokenOf = (t: unknown): string | undefined => (typeof t === 'string' && t !== '' ? t : undefined);

/** A page through JSON.parse (the reference reading; scanBarsPage gives the same result faster). */
export function readBarsPageParsed(body: Buffer): BarsPage {
  const r = JSON.parse(body.toString(isAscii(body) ? 'latin1' : 'utf8')) as { bars?: Record<string, unknown>; next_page_token?: unknown } | null;
  if (r === null || typeof r !== 'object') {
    throw new VenueError('MALFORMED_PAYLOAD', `alpaca ${ENDPOINT}: malformed payload rejected: expected an object (field 'bars')`, {
      endpoint: ENDPOINT,
      field: 'bars',
      retryable: false,
      ambiguous: false,
    });
  }
  const page: BarsPage = { bars: new BarBatch(), malformed: [], nextPageToken: tokenOf(r.next_page_token) };
  // the symbols of a page share their timestamps: each text parsed once
  const times = new Map<string, number>();
  for (const [symbol, list] of Object.entries(r.bars ?? {})) {
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const b = list[i] as WireBar | null | undefined;
      let ts = NaN;
      if (b && typeof b.t === 'string') {
        const known = times.get(b.t);
        if (known === undefined) times.set(b.t, (ts = Date.parse(b.t)));
        else ts = known;
      }
      if (b && plainBar(ts, b.o, b.h, b.l, b.c, b.v)) page.bars.push(symbol, ts, b.o as number, b.h as number, b.l as number, b.c as number, b.v as number);
      else schemaBar(page, symbol, i, b);
    }
  }
  return page;
}

/**
 * A page from its bytes: scanBarsPage's reading when the page is in its grammar
 * (every real answer), else JSON.parse's - the same bars, drops and errors either way.
 */
export function readBarsPage(body: Buffer): BarsPage {
  const sink = new CheckedPage();
  const scanned = scanBarsPage(body, sink);
  if (scanned === undefined) return readBarsPageParsed(body);
  sink.page.nextPageToken = tokenOf(scanned.nextPageToken);
  return sink.page;
}

/** scanBarsPage's bars, checked as readBarsPageParsed checks them. */
class CheckedPage implements PageBarSink {
  readonly page: BarsPage = { bars: new BarBatch(10_000), malformed: [], nextPageToken: undefined };

  bar(symbol: string, i: number, t: number | string | undefined, o: number | undefined, h: number | undefined, l: number | undefined, c: number | undefined, v: number | undefined): void {
    const ts = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : NaN;
    if (plainBar(ts, o, h, l, c, v)) this.page.bars.push(symbol, ts, o as number, h as number, l as number, c as number, v as number);
    else schemaBar(this.page, symbol, i, { t: typeof t === 'number' ? new Date(t) : t, o, h, l, c, v });
  }
}

