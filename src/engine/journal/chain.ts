// The hash chain: each record's hash is an HMAC over the previous hash and the
// record's own fields, keyed by a secret kept outside the journal (the anchor).
// Without the key a rewritten chain cannot be made to verify.
//
// Schema 2 (written now): the 32-byte previous hash, then the UTF-8 bytes of
// `seq\nts\nkind\n` and of the record's JSON text exactly as stored; the hash
// is stored as a 32-byte BLOB. Schema 1 (read, and continued in a day file
// that already holds it): HMAC over the text `prevhex\nseq\nts\nkind\ndata`,
// stored as 64-character hex.
//
// `recordHash` is the definition (node's HMAC); `ChainHasher` computes the same
// value for the writer's hot path without a per-record HMAC object or Buffer.
import { createHash, createHmac, hash as nodeHash, type BinaryLike } from 'node:crypto';

/** The "previous hash" of the first record of a chain. */
export const GENESIS = Buffer.alloc(32);

export function recordHash(key: Buffer, prev: Buffer, seq: number, ts: number, kind: string, data: string): Buffer {
  return createHmac('sha256', key).update(prev).update(`${seq}\n${ts}\n${kind}\n${data}`).digest();
}

/** Schema 1's hash, hex. */
export function recordHashV1(key: Buffer, prev: string, seq: number, ts: number, kind: string, data: string): string {
  return createHmac('sha256', key).update(`${prev}\n${seq}\n${ts}\n${kind}\n${data}`).digest('hex');
}

const BLOCK = 64;
/** Bytes before a record's text in the inner message: the key's inner pad, then the previous hash. */
const TEXT_AT = BLOCK + 32;
/** One-shot SHA-256 to a latin1 string (one char per byte: no Buffer allocated). */
const sha256Latin1: (data: BinaryLike) => string =
  typeof nodeHash === 'function' ? (data) => nodeHash('sha256', data, 'binary') : (data) => createHash('sha256').update(data).digest('binary');

/** The inner buffer's first size; views of messages shorter than it are kept. */
const KEEP_VIEWS = 4096;
const NL = 0x0a;
const ZERO = 0x30;

/** Writes `n` as `${n}` does (ASCII) at `at`; returns the end. */
function writeNumber(buf: Buffer, at: number, n: number): number {
  if (!Number.isSafeInteger(n)) return at + buf.write(String(n), at, 'latin1');
  let v = n;
  if (v < 0) {
    buf[at++] = 0x2d;
    v = -v;
  }
  let digits = 1;
  for (let p = 10; p <= v; p *= 10) digits++;
  for (let i = at + digits - 1; i >= at; i--) {
    buf[i] = ZERO + (v % 10);
    v = Math.floor(v / 10);
  }
  return at + digits;
}

/**
 * Schema 2's record hash (the same bytes as `recordHash`), with hashes carried
 * as 32-character latin1 strings (one char per byte). HMAC by its definition:
 * SHA-256(key^opad ‖ SHA-256(key^ipad ‖ message)), the padded key blocks
 * written once into reused buffers, so a record costs two one-shot hashes and
 * no allocation beyond the digest strings.
 */
export class ChainHasher {
  /** key^ipad, the previous hash, then the record's text (grown when a record needs more). */
  private inner: Buffer;
  /** key^opad, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + 32);
  private views: Buffer[] = [];

  constructor(key: Buffer) {
    // a key longer than a block is hashed first (RFC 2104); a shorter one is zero-padded
    const k = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
    this.inner = Buffer.alloc(KEEP_VIEWS);
    for (let i = 0; i < BLOCK; i++) {
      const b = i < k.length ? k[i]! : 0;
      this.inner[i] = b ^ 0x36;
      this.outer[i] = b ^ 0x5c;
    }
  }

  /** The hash of a record after `prev` (both latin1). */
  hash(prev: string, seq: number, ts: number, kind: string, data: string): string {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; a number at most 24 characters
    const most = TEXT_AT + 51 + (kind.length + data.length) * 3;
    if (most > this.inner.length) this.grow(most);
    const inner = this.inner;
    inner.write(prev, BLOCK, 32, 'latin1');
    let end = writeNumber(inner, TEXT_AT, seq);
    inner[end++] = NL;
    end = writeNumber(inner, end, ts);
    inner[end++] = NL;
    end += inner.write(kind, end, 'utf8');
    inner[end++] = NL;
    end += inner.write(data, end, 'utf8');
    this.outer.write(sha256Latin1(this.view(end)), BLOCK, 32, 'latin1');
    return sha256Latin1(this.outer);
  }

  /** The first `end` bytes of the inner message: views of the usual lengths are kept (one per record would be garbage). */
  private view(end: number): Buffer {
    if (end >= KEEP_VIEWS) return this.inner.subarray(0, end);
    return (this.views[end] ??= this.inner.subarray(0, end));
  }

  private grow(bytes: number): void {
    const next = Buffer.alloc(Math.max(bytes, this.inner.length * 2));
    this.inner.copy(next, 0, 0, BLOCK);
    this.inner = next;
    this.views = [];
  }
}

/** A hash held as latin1 (ChainHasher's form) as the 32 bytes it stands for. */
export function hashBytes(latin1: string): Buffer {
  return Buffer.from(latin1, 'latin1');
}

/** 32 hash bytes in ChainHasher's latin1 form. */
export function hashLatin1(bytes: Buffer): string {
  return bytes.toString('latin1');
}
