// Percentiles and medians (nearest-rank), and the machine's load at a moment.
import os from "node:os";

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (values) => percentile(values, 50);

export const loadAverage = () => os.loadavg()[0];

/** Collects the runs of one measured variant: per run its p50, p99 and the load average. */
export class Series {
  runs = [];

  add(latencies) {
    this.runs.push({ p50: percentile(latencies, 50), p99: percentile(latencies, 99), load: loadAverage() });
  }

  get p50() {
    return median(this.runs.map((r) => r.p50));
  }

  get p99() {
    return median(this.runs.map((r) => r.p99));
  }

  get load() {
    return median(this.runs.map((r) => r.load));
  }
}
