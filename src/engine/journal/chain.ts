// The hash chain: each record's hash is an HMAC over the previous hash and the
// record's own fields, keyed by a secret kept outside the journal (the anchor).
// Without the key a rewritten chain cannot be made to verify.
import { createHmac } from 'node:crypto';

export function recordHash(key: Buffer, prev: string, seq: number, ts: number, kind: string, data: string): string {
  return createHmac('sha256', key).update(`${prev}\n${seq}\n${ts}\n${kind}\n${data}`).digest('hex');
}
