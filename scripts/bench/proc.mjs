// The console's memory and CPU, from /proc.
import { readFileSync, writeFileSync } from "node:fs";

/** Peak resident memory (VmHWM), current RSS and CPU ticks of a process. */
export function processUsage(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)[1]);
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return { hwmKb: kb("VmHWM"), rssKb: kb("VmRSS"), cpuTicks: Number(stat[11]) + Number(stat[12]) };
}

/** Resets VmHWM to the current RSS (Linux: `echo 5 > /proc/PID/clear_refs`); false when refused. */
export function peakReset(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every 20 ms until `stop()`, which returns the largest value seen (kB). */
export class RssSampler {
  #max = 0;
  #timer;

  constructor(pid) {
    const sample = () => {
      this.#max = Math.max(this.#max, processUsage(pid).rssKb);
    };
    sample();
    this.#timer = setInterval(sample, 20);
  }

  stop() {
    clearInterval(this.#timer);
    return this.#max;
  }
}
