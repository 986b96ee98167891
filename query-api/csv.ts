// CSV (RFC 4180) for exports: every field quoted when it must be, CRLF line ends, and cells a
// spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) defused with a leading
// apostrophe (OWASP "CSV injection"), since summaries can carry text from the retailer's systems.

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: null → empty; quoted (inner quotes doubled) when it holds a comma, quote or line break. */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row and data rows, each line ended by CRLF. */
export function csvTable(header: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
