// Timed windows: each window runs enough calls to last about `windowSeconds`; the rate reported
// is the median over windows, which shrugs off a window disturbed by other processes.
export interface WindowStats {
  median: number;
  windows: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function timedWindows(fn: () => Promise<void>, itemsPerCall: number,
  opts: { warmup: number; windows: number; windowSeconds: number }): Promise<WindowStats> {
  for (let i = 0; i < opts.warmup; i++) await fn();
  const t0 = performance.now();
  await fn();
  const one = (performance.now() - t0) / 1000;
  const calls = Math.max(1, Math.round(opts.windowSeconds / Math.max(one, 1e-4)));
  const windows: number[] = [];
  for (let w = 0; w < opts.windows; w++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) await fn();
    windows.push(Math.round((itemsPerCall * calls) / ((performance.now() - start) / 1000) * 10) / 10);
  }
  return { median: median(windows), windows };
}
