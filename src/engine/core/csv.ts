// Small CSV helpers shared by the CSV readers: one line split into fields, and
// the decimal-number syntax accepted for numeric fields.

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** True when `text` is a plain decimal number (optional sign, fraction and exponent); rejects '', 'NaN', 'Infinity', '0x10'. */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/**
 * Splits one CSV line on commas and trims each field; a field wrapped in double
 * quotes may hold commas ("" is a literal quote). Returns null when a quoted
 * field is not closed on the line.
 */
export function splitCsvLine(line: string): string[] | null {
  if (!line.includes('"')) return line.split(',').map((f) => f.trim());
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (quoted) return null;
  out.push(cur.trim());
  return out;
}
