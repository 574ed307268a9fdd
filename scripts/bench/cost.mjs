// The console's cost per page, independent of how busy the machine is: seeds two clients,
// signs in USERS administrators, warms up, then runs exactly PAGES loads of the load test's
// pages while `perf stat` counts the console's CPU time, page faults and context switches.
// Rates move with the machine's load; CPU per page does not (much), so A/B comparisons of
// allocator settings or rendering changes use this (round 6 in findings.md).
import { spawn } from "node:child_process";
import { expect, signIn } from "./http.mjs";
import { peakReset, processUsage } from "./proc.mjs";
import { adminToken, clientUuid, seedOfflineSessions } from "./sim.mjs";
import { percentile } from "./stats.mjs";

const { CONSOLE_URL, SIM_URL, CONSOLE_PID } = process.env;
const USERS = Number(process.env.BENCH_COST_USERS ?? 64);
const PAGES = Number(process.env.BENCH_COST_PAGES ?? 6000);
const REALM = "demo";
const SEEDS = [
  { client: "photo-print", sessions: 10, prefix: "pp" },
  { client: "mobile-app", sessions: 10_000, prefix: "ma" },
];

async function clientPages() {
  for (const seed of SEEDS) await seedOfflineSessions(SIM_URL, REALM, seed);
  const token = await adminToken(SIM_URL, REALM);
  const pages = [];
  for (const client of [...SEEDS.map((s) => s.client), "backup-service"]) {
    pages.push(`/admin/${REALM}/clients/${await clientUuid(SIM_URL, REALM, client, token)}?first=0&max=25`);
  }
  return [`/admin/${REALM}`, `/admin/${REALM}/clients`, ...pages, `/admin/${REALM}/users`];
}

/** `total` page loads shared by every administrator; throws on any non-200. */
async function browse(jars, pages, total) {
  let next = 0;
  const latencies = [];
  await Promise.all(
    jars.map(async (jar) => {
      for (let n = next++; n < total; n = next++) {
        const r = await jar.send("GET", `${CONSOLE_URL}${pages[n % pages.length]}`);
        expect(r, 200, pages[n % pages.length]);
        latencies.push(r.ms);
      }
    }),
  );
  return latencies;
}

/** Counts the console's events from now until `stop()` resolves. */
function perfStat() {
  const perf = spawn("perf", ["stat", "-x,", "-e", "task-clock,page-faults,context-switches", "-p", CONSOLE_PID], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let out = "";
  perf.stderr.on("data", (d) => (out += d));
  const started = new Promise((resolve) => setTimeout(resolve, 300));
  const stop = async () => {
    perf.kill("SIGINT");
    await new Promise((resolve) => perf.on("exit", resolve));
    return Object.fromEntries(out.trim().split("\n").map((l) => l.split(",")).map((f) => [f[2], Number(f[0])]));
  };
  return { started, stop };
}

// BENCH_COST_PATHS=/healthz,/signin measures those paths instead (the fixed cost of a request);
// BENCH_COST_PAGE=2 only the third of the load test's pages.
const { BENCH_COST_PATHS, BENCH_COST_PAGE } = process.env;
const pages = BENCH_COST_PATHS
  ? BENCH_COST_PATHS.split(",")
  : (await clientPages()).filter((_, i) => BENCH_COST_PAGE === undefined || Number(BENCH_COST_PAGE) === i);
const jars = [];
for (let i = 0; i < USERS; i++) jars.push(await signIn(CONSOLE_URL, REALM, "realmadmin", "realmadmin"));
await browse(jars, pages, 2000);
peakReset(CONSOLE_PID);
const perf = perfStat();
await perf.started;
const began = process.hrtime.bigint();
const latencies = await browse(jars, pages, PAGES);
const seconds = Number(process.hrtime.bigint() - began) / 1e9;
const counted = await perf.stop();
const usage = processUsage(CONSOLE_PID);
console.log(
  JSON.stringify({
    administrators: USERS,
    pages: PAGES,
    cpuMsPerPage: +(counted["task-clock"] / PAGES).toFixed(3),
    pageFaultsPerPage: +(counted["page-faults"] / PAGES).toFixed(1),
    contextSwitchesPerPage: +(counted["context-switches"] / PAGES).toFixed(1),
    pagesPerSecond: Math.round(PAGES / seconds),
    p50Ms: +percentile(latencies, 50).toFixed(1),
    p99Ms: +percentile(latencies, 99).toFixed(1),
    peakRssMb: +((usage.hwmKb * 1024) / 1e6).toFixed(1),
  }),
);
