// Item 5 (power tools): streamed exports (rows/s and the console's peak memory while
// streaming) and a bulk revocation job (scan rate, revocations/s).
import http from "node:http";
import { callServerFn, expect } from "./http.mjs";
import { loadAverage } from "./stats.mjs";
import { peakReset, processUsage, RssSampler } from "./proc.mjs";

const log = (...args) => console.error("bench:", ...args);

/**
 * Downloads an export and counts its rows as they stream by, never holding the body:
 * CSV rows are lines after the header, JSON rows are `"session_id":` keys.
 */
function streamRows(url, cookie, format) {
  const marker = Buffer.from(format === "csv" ? "\r\n" : '"session_id":');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.get(url, { headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`export ${url}: HTTP ${res.statusCode}`));
        return;
      }
      let count = 0;
      let bytes = 0;
      let tail = Buffer.alloc(0);
      let firstByteMs;
      res.on("data", (chunk) => {
        firstByteMs ??= Number(process.hrtime.bigint() - started) / 1e6;
        bytes += chunk.length;
        const window = Buffer.concat([tail, chunk]);
        for (let at = window.indexOf(marker); at !== -1; at = window.indexOf(marker, at + marker.length)) count++;
        // Keep a partial marker for the next chunk (never a whole one, so nothing is counted twice).
        tail = window.subarray(Math.max(0, window.length - (marker.length - 1)));
      });
      res.on("end", () =>
        resolve({
          rows: format === "csv" ? count - 1 : count,
          bytes,
          firstByteMs,
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/** Exports `client` as CSV and JSON; the console's peak RSS during each (VmHWM reset before it). */
export async function exportBenchmark({ consoleUrl, consolePid, jar, realm, client, uuid, expectedRows }) {
  const results = [];
  for (const format of ["csv", "json"]) {
    const url = `${consoleUrl}/export/${realm}/clients/${uuid}/offline-sessions.${format}`;
    const before = processUsage(consolePid);
    const resetWorked = peakReset(consolePid);
    const sampler = new RssSampler(consolePid);
    const load = loadAverage();
    const r = await streamRows(url, jar.header(consoleUrl), format);
    const sampledPeakKb = sampler.stop();
    const after = processUsage(consolePid);
    if (r.rows !== expectedRows) throw new Error(`${client} ${format}: ${r.rows} rows, expected ${expectedRows}`);
    const row = {
      client,
      format,
      rows: r.rows,
      megabytes: r.bytes / 1e6,
      seconds: r.seconds,
      rowsPerSecond: r.rows / r.seconds,
      firstByteMs: r.firstByteMs,
      rssBeforeMb: (before.rssKb * 1024) / 1e6,
      peakRssMb: ((resetWorked ? after.hwmKb : Math.max(sampledPeakKb, before.rssKb)) * 1024) / 1e6,
      peakFrom: resetWorked ? "VmHWM (reset before)" : "VmRSS sampled every 20 ms",
      sampledPeakMb: (sampledPeakKb * 1024) / 1e6,
      rssAfterMb: (after.rssKb * 1024) / 1e6,
      load: Math.max(load, loadAverage()),
    };
    log(`export ${client} ${format}: ${row.rows} rows in ${row.seconds.toFixed(1)} s, peak ${row.peakRssMb.toFixed(1)} MB`);
    results.push(row);
  }
  return results;
}

async function job(jar, consoleUrl, id) {
  const r = await callServerFn(jar, consoleUrl, "session_job_status", { id });
  expect(r, 200, "job status");
  return JSON.parse(r.body);
}

/** Polls until `done(job)`; returns the job and when it got there (seconds since `since`). */
async function until(jar, consoleUrl, id, since, done) {
  for (;;) {
    const j = await job(jar, consoleUrl, id);
    if (done(j)) return { job: j, seconds: Number(process.hrtime.bigint() - since) / 1e9 };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A dry run over every offline session of `client` (`usernameContains` or all of them),
 * then the revocation of all its matches.
 */
export async function bulkBenchmark({ consoleUrl, consolePid, jar, realm, client, uuid, sessions, usernameContains, expected }) {
  const load = loadAverage();
  peakReset(consolePid);
  const scanStart = process.hrtime.bigint();
  const criteria = usernameContains ? { username_contains: usernameContains } : {};
  const started = await callServerFn(jar, consoleUrl, "start_session_filter", { realm, client: uuid, ...criteria });
  expect(started, 200, "starting the dry run");
  const id = JSON.parse(started.body).id;
  const scan = await until(jar, consoleUrl, id, scanStart, (j) => j.state !== "scanning");
  if (scan.job.state !== "scanned" || scan.job.scanned !== sessions || scan.job.matched !== expected) {
    throw new Error(`dry run: ${JSON.stringify({ ...scan.job, sample: undefined })}`);
  }
  log(`dry run matched ${scan.job.matched} sessions in ${scan.seconds.toFixed(1)} s`);
  const revokeStart = process.hrtime.bigint();
  const confirmed = await callServerFn(jar, consoleUrl, "revoke_session_job_matches", { id, confirmation: client });
  expect(confirmed, 200, "confirming the revocation");
  const revoke = await until(jar, consoleUrl, id, revokeStart, (j) => j.state !== "revoking");
  const usage = processUsage(consolePid);
  log(`revoked ${revoke.job.revoked} (failed ${revoke.job.failed}) in ${revoke.seconds.toFixed(1)} s`);
  return {
    client,
    sessions,
    usernameContains,
    matched: scan.job.matched,
    scanSeconds: scan.seconds,
    scannedPerSecond: scan.job.scanned / scan.seconds,
    revokeSeconds: revoke.seconds,
    state: revoke.job.state,
    revoked: revoke.job.revoked,
    failed: revoke.job.failed,
    revokedPerSecond: revoke.job.revoked / revoke.seconds,
    peakRssMb: (usage.hwmKb * 1024) / 1e6,
    load: Math.max(load, loadAverage()),
  };
}
