// Journal errors: each names the file and says what a person can do about it.
import { TradedeskError } from '../core/errors.js';

export class JournalCorruptError extends TradedeskError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(
      'JOURNAL_CORRUPT',
      `journal file ${file} is damaged (${detail}); Tradedesk will not trade on it and will not overwrite it. ` +
        `Open it read-only with --read-only, or move it aside to start a new journal.`,
    );
    this.name = 'JournalCorruptError';
  }
}

export class JournalVersionError extends TradedeskError {
  constructor(
    readonly file: string,
    found: number,
    supported: number,
  ) {
    super(
      'JOURNAL_TOO_NEW',
      `journal file ${file} was written by a newer Tradedesk (schema ${found}; this version reads up to ${supported}). ` +
        `Upgrade Tradedesk to open it; it is not migrated or changed.`,
    );
    this.name = 'JournalVersionError';
  }
}
