// The hash chain: each record's hash is an HMAC over the previous hash and the
// record's own fields, keyed by a secret kept outside the journal (the anchor).
// Without the key a rewritten chain cannot be made to verify.
//
// Schema 2 (written now): the 32-byte previous hash, then the UTF-8 bytes of
// `seq\nts\nkind\n` and of the record's JSON text exactly as stored; the hash
// is stored as a 32-byte BLOB. Schema 1 (read, and continued in a day file
// that already holds it): HMAC over the text `prevhex\nseq\nts\nkind\ndata`,
// stored as 64-character hex.
import { createHmac } from 'node:crypto';

/** The "previous hash" of the first record of a chain. */
export const GENESIS = Buffer.alloc(32);

export function recordHash(key: Buffer, prev: Buffer, seq: number, ts: number, kind: string, data: string): Buffer {
  return createHmac('sha256', key).update(prev).update(`${seq}\n${ts}\n${kind}\n${data}`).digest();
}

/** Schema 1's hash, hex. */
export function recordHashV1(key: Buffer, prev: string, seq: number, ts: number, kind: string, data: string): string {
  return createHmac('sha256', key).update(`${prev}\n${seq}\n${ts}\n${kind}\n${data}`).digest('hex');
}
