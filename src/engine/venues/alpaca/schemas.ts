// zod schemas for what the SDK hands back from Alpaca. The SDK deserializes
// without validating (a bad number stays a bad string, a bad date becomes an
// Invalid Date), so everything that could become an order, a fill, a position or
// a bar passes through here first. Failures name the venue, the endpoint and the
// field in Alpaca's wire spelling (filled_qty, not filledQty).
import { z } from 'zod';
import { VenueError, venueMessage } from './errors.js';

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

/** A decimal that Alpaca sends as a string (trading) or number (market data). */
const decimal = z
  .union([z.string(), z.number(), z.bigint()])
  .transform((v, ctx) => {
    const n = toNumber(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `expected a finite decimal, got ${JSON.stringify(String(v))}` });
      return z.NEVER;
    }
    return n;
  });

export const num = decimal;
export const positive = decimal.pipe(z.number().positive());
export const nonNegative = decimal.pipe(z.number().nonnegative());

/** A Date the SDK parsed; Invalid Date (from a malformed timestamp) fails. */
export const validDate = z.date().refine((d) => Number.isFinite(d.getTime()), { message: 'invalid timestamp' });

export const OrderPayload = z
  .object({
    id: z.string().min(1),
    clientOrderId: z.string().min(1),
    symbol: z.string().min(1),
    side: z.enum(['buy', 'sell']),
    type: z.string().min(1),
    timeInForce: z.string().min(1),
    status: z.string().min(1),
    qty: positive.nullish(),
    filledQty: nonNegative,
    filledAvgPrice: positive.nullish(),
    limitPrice: positive.nullish(),
    replacedBy: z.string().nullish(),
    replaces: z.string().nullish(),
    createdAt: validDate.optional(),
    updatedAt: validDate.nullish(),
  })
  .superRefine((o, ctx) => {
    if (o.qty != null && o.filledQty > o.qty + 1e-9) {
      ctx.addIssue({ code: 'custom', path: ['filledQty'], message: `filled_qty ${o.filledQty} exceeds qty ${o.qty}` });
    }
    if (o.filledQty > 0 && o.filledAvgPrice == null) {
      ctx.addIssue({ code: 'custom', path: ['filledAvgPrice'], message: 'missing while filled_qty > 0' });
    }
  });
export type OrderPayload = z.infer<typeof OrderPayload>;

export const TradeUpdatePayload = z.object({
  event: z.string().min(1),
  timestamp: validDate.optional(),
  order: OrderPayload,
  /** This execution's price (fill / partial_fill). */
  price: positive.nullish(),
  /** This execution's quantity (fill / partial_fill). */
  qty: positive.nullish(),
  executionId: z.string().nullish(),
});
export type TradeUpdatePayload = z.infer<typeof TradeUpdatePayload>;

export const AccountPayload = z.object({
  cash: num,
  equity: num,
  buyingPower: nonNegative,
});

export const PositionPayload = z.object({
  symbol: z.string().min(1),
  qty: num.refine((n) => n !== 0, { message: 'zero quantity position' }),
  avgEntryPrice: nonNegative,
  side: z.enum(['long', 'short']),
});
export const PositionsPayload = z.array(PositionPayload);

export const AssetPayload = z.object({
  symbol: z.string().min(1),
  name: z.string(),
  _class: z.enum(['us_equity', 'crypto', 'us_option']),
  status: z.string(),
  tradable: z.boolean(),
  fractionable: z.boolean(),
  shortable: z.boolean(),
  easyToBorrow: z.boolean().optional(),
  exchange: z.string().optional(),
  minOrderSize: positive.nullish(),
  minTradeIncrement: positive.nullish(),
  priceIncrement: positive.nullish(),
});
export type AssetPayload = z.infer<typeof AssetPayload>;

const hhmm = z.string().regex(/^\d{2}:\d{2}$/, 'expected HH:MM');
export const CalendarPayload = z.array(z.object({ date: validDate, open: hhmm, close: hhmm }));

export const ClockPayload = z.object({
  timestamp: validDate,
  isOpen: z.boolean(),
  nextOpen: validDate,
  nextClose: validDate,
});

const barShape = {
  open: positive,
  high: positive,
  low: positive,
  close: positive,
  volume: nonNegative,
};

function checkBar(b: { open: number; high: number; low: number; close: number }, ctx: z.RefinementCtx): void {
  if (b.high < Math.max(b.open, b.close, b.low) - 1e-12) ctx.addIssue({ code: 'custom', path: ['high'], message: 'below open/close/low' });
  if (b.low > Math.min(b.open, b.close) + 1e-12) ctx.addIssue({ code: 'custom', path: ['low'], message: 'above open/close' });
}

/** REST bar (StockBar: t/o/h/l/c/v), renamed to the long names before parsing. */
export const RestBarPayload = z.object({ timestamp: validDate, ...barShape }).superRefine(checkBar);

/** Stream bar (the SDK's StreamBar). */
export const StreamBarPayload = z.object({ symbol: z.string().min(1), timestamp: validDate, ...barShape }).superRefine(checkBar);

export const StreamQuotePayload = z.object({
  symbol: z.string().min(1),
  timestamp: validDate,
  bidPrice: nonNegative,
  askPrice: nonNegative,
  bidSize: nonNegative,
  askSize: nonNegative,
});

export const StreamTradePayload = z.object({
  symbol: z.string().min(1),
  timestamp: validDate,
  price: positive,
  size: positive,
});

/** Wire names of the market-data short keys. */
const MARKET_DATA_WIRE: Record<string, string> = {
  symbol: 'S',
  timestamp: 't',
  open: 'o',
  high: 'h',
  low: 'l',
  close: 'c',
  volume: 'v',
  bidPrice: 'bp',
  askPrice: 'ap',
  bidSize: 'bs',
  askSize: 'as',
  price: 'p',
  size: 's',
};

export type WireNaming = 'trading' | 'market-data';

function wireName(seg: PropertyKey, naming: WireNaming): string {
  const s = String(seg);
  if (naming === 'market-data' && MARKET_DATA_WIRE[s]) return MARKET_DATA_WIRE[s];
  if (s === '_class') return 'class';
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A zod issue path in Alpaca's wire spelling: order.filled_qty, [2].qty. */
export function wirePath(path: readonly PropertyKey[], naming: WireNaming = 'trading'): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += (out ? '.' : '') + wireName(seg, naming);
  }
  return out || '(payload)';
}

/** Validates `value` or throws MALFORMED_PAYLOAD naming the venue, endpoint and field. */
export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, endpoint: string, naming: WireNaming = 'trading', prefix: readonly PropertyKey[] = []): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = wirePath([...prefix, ...issue.path], naming);
  throw new VenueError('MALFORMED_PAYLOAD', venueMessage(endpoint, `malformed payload rejected: ${issue.message}`, field), {
    endpoint,
    field,
    retryable: false,
    ambiguous: false,
  });
}
