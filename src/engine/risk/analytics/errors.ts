// Error types of the risk analytics: bad input (naming the row/field that is
// wrong) and malformed equity CSV files (naming file, line and field).

/** Input the analytics cannot use; `field` names the offending field, `row` the 0-based row/index when there is one. */
export class AnalyticsInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly row?: number,
  ) {
    super(message);
    this.name = 'AnalyticsInputError';
  }
}

/** A malformed `timestamp,equity` CSV: message reads `FILE:LINE: field 'F': what is wrong`. */
export class EquityCsvError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${field === undefined ? '' : `field '${field}': `}${reason}`);
    this.name = 'EquityCsvError';
  }
}
