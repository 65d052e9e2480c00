/**
 * Tracks how far process memory grows above where it stood when the probe was made. Call `sample()` at the
 * moments of interest; `peak` holds the largest growth seen. `arrayBuffers` is where tensor data lives.
 */
export function memoryProbe() {
  const start = process.memoryUsage();
  const peak = { arrayBuffers: 0, rss: 0 };
  return {
    peak,
    sample(): void {
      const now = process.memoryUsage();
      peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers - start.arrayBuffers);
      peak.rss = Math.max(peak.rss, now.rss - start.rss);
    },
  };
}
