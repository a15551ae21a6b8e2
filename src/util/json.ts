// JSON as the reference files write it: NaN and infinities, which JSON cannot hold, become the
// strings "NaN", "Infinity" and "-Infinity".
export function encodeJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}
