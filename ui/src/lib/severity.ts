// OpenTelemetry SeverityNumber → its range's name. The same table as the API's SEVERITY_NAMES
// (query-api/schemas.ts; a unit test keeps them equal) — copied, because importing that module would
// pull the API's whole schema set into the bundle.
export const SEVERITY_NAMES = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 } as const;

const RANGES = Object.entries(SEVERITY_NAMES)
  .map(([name, min]) => [name.toUpperCase(), min] as const)
  .sort((a, b) => b[1] - a[1]);

export function severityName(severityNumber: number): string {
  return RANGES.find(([, min]) => severityNumber >= min)?.[0] ?? '';
}
