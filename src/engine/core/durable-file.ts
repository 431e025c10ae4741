// Replacing a small file so that a crash or a power loss leaves either the old
// contents or the new, never an empty or torn file: written to `<file>.tmp`,
// fsynced, renamed over the file, then the directory fsynced so the rename
// itself is on disk. For files whose loss costs more than a rewrite: the
// journal's anchor (its HMAC key) and the settings (the live-trading opt-in).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** fsync of a directory; where the OS refuses one (Windows), the rename is as durable as it gets. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported on this platform
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `data` to `file` atomically and durably (see the header); `mode` for a new file. */
export function writeFileDurably(file: string, data: string, mode = 0o600): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    const bytes = Buffer.from(data, 'utf8');
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
  fsyncDir(dirname(file));
}
