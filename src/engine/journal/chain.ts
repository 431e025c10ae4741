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

  constructor(key: Buffer) {
    // a key longer than a block is hashed first (RFC 2104); a shorter one is zero-padded
    const k = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
    this.inner = Buffer.alloc(4096);
    for (let i = 0; i < BLOCK; i++) {
      const b = i < k.length ? k[i]! : 0;
      this.inner[i] = b ^ 0x36;
      this.outer[i] = b ^ 0x5c;
    }
  }

  /** The hash of a record after `prev` (both latin1). */
  hash(prev: string, seq: number, ts: number, kind: string, data: string): string {
    const head = `${seq}\n${ts}\n${kind}\n`;
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    const most = TEXT_AT + (head.length + data.length) * 3;
    if (most > this.inner.length) this.grow(most);
    const inner = this.inner;
    inner.write(prev, BLOCK, 32, 'latin1');
    let end = TEXT_AT + inner.write(head, TEXT_AT, 'utf8');
    end += inner.write(data, end, 'utf8');
    this.outer.write(sha256Latin1(inner.subarray(0, end)), BLOCK, 32, 'latin1');
    return sha256Latin1(this.outer);
  }

  private grow(bytes: number): void {
    const next = Buffer.alloc(Math.max(bytes, this.inner.length * 2));
    this.inner.copy(next, 0, 0, BLOCK);
    this.inner = next;
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
