// The writer's fast chain hash (ChainHasher: HMAC from prepared pad blocks and
// one-shot SHA-256) against the definition (node's createHmac) on random
// records and keys, keys longer than a block (hashed first) and records larger
// than its starting buffer included: any difference would make a new journal
// fail verification.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainHasher, GENESIS, hashBytes, hashLatin1, recordHash } from '../../../../src/engine/journal/chain.js';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max, size: 'max' }).map((a) => Buffer.from(a));
const record = fc.record({
  prev: bytes(32, 32),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  ts: fc.oneof(fc.integer({ min: -1e13, max: 1e13 }), fc.double({ noNaN: true })),
  kind: fc.constantFrom('order', 'input.quote', 'fill', 'trading_state', 'algo'),
  // any UTF-16 text: multi-byte characters, surrogate pairs and lone surrogates
  data: fc.oneof(fc.string({ unit: 'binary', maxLength: 300, size: 'max' }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.json()),
});

describe('ChainHasher', () => {
  it('gives the HMAC of the definition for any key length and record', () => {
    fc.assert(
      // keys shorter than, as long as and longer than a 64-byte block
      fc.property(fc.oneof(bytes(0, 63), bytes(64, 64), bytes(65, 200)), fc.array(record, { minLength: 1, maxLength: 5 }), (key, recs) => {
        const h = new ChainHasher(key);
        for (const r of recs) {
          const want = recordHash(key, r.prev, r.seq, r.ts, r.kind, r.data);
          expect(hashBytes(h.hash(hashLatin1(r.prev), r.seq, r.ts, r.kind, r.data)).toString('hex')).toBe(want.toString('hex'));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('chains: each hash is the next record’s prev, across a record larger than its buffer', () => {
    const key = Buffer.alloc(65, 9); // one byte over a block: hashed first
    const h = new ChainHasher(key);
    const datas = ['{"a":1}', JSON.stringify({ big: 'é€😀'.repeat(4_000) }), '{"b":"x"}'];
    let prevRef: Buffer = GENESIS;
    let prev = hashLatin1(GENESIS);
    datas.forEach((data, i) => {
      prevRef = recordHash(key, prevRef, i + 1, 1_000 + i, 'decision', data);
      prev = h.hash(prev, i + 1, 1_000 + i, 'decision', data);
      expect(hashBytes(prev).equals(prevRef)).toBe(true);
    });
    expect(hashBytes(prev)).toHaveLength(32);
  });
});
