// The console's cost per page: seeds two clients, signs in USERS administrators, warms up, then
// runs exactly PAGES loads of the load test's pages while `perf stat` counts the CPU time, page
// faults and context switches of the console and keycloak-sim. Rates move with the machine's
// load far more than CPU per page does, so A/B comparisons of builds use this (see
// docs/performance.md); on this VM CPU per page still moves with the host, so compare alternating runs and
// divide by keycloak-sim's CPU, which the two builds share.
import { spawn } from "node:child_process";
import { signIn } from "./http.mjs";
import { runLoad } from "./loadgen.mjs";
import { peakReset, processUsage } from "./proc.mjs";
import { adminToken, clientUuid, seedOfflineSessions } from "./sim.mjs";
import { percentile } from "./stats.mjs";

const { CONSOLE_URL, SIM_URL, CONSOLE_PID, SIM_PID } = process.env;
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
async function browse(cookies, pages, total) {
  const report = await runLoad(CONSOLE_URL, { cookies, pages, requests: total });
  if (Object.keys(report.errors).length) throw new Error(`page loads failed: ${JSON.stringify(report.errors)}`);
  return report;
}

/** Counts the console's events from now until `stop()` resolves. */
function perfStat(pid) {
  const perf = spawn("perf", ["stat", "-x,", "-e", "task-clock,page-faults,context-switches", "-p", pid], {
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
const cookies = [];
for (let i = 0; i < USERS; i++) cookies.push((await signIn(CONSOLE_URL, REALM, "realmadmin", "realmadmin")).header(CONSOLE_URL));
await browse(cookies, pages, 2000);
peakReset(CONSOLE_PID);
const perf = perfStat(CONSOLE_PID);
const simPerf = perfStat(SIM_PID);
await Promise.all([perf.started, simPerf.started]);
const report = await browse(cookies, pages, PAGES);
const latencies = report.latencies.flat();
const counted = await perf.stop();
const simCounted = await simPerf.stop();
const usage = processUsage(CONSOLE_PID);
console.log(
  JSON.stringify({
    administrators: USERS,
    pages: PAGES,
    cpuMsPerPage: +(counted["task-clock"] / PAGES).toFixed(3),
    // The rest of the two cores' budget: the simulator's and this load generator's CPU per page.
    simCpuMsPerPage: +(simCounted["task-clock"] / PAGES).toFixed(3),
    loadGeneratorCpuMsPerPage: +((report.cpuSeconds * 1000) / PAGES).toFixed(3),
    pageFaultsPerPage: +(counted["page-faults"] / PAGES).toFixed(1),
    contextSwitchesPerPage: +(counted["context-switches"] / PAGES).toFixed(1),
    pagesPerSecond: Math.round(PAGES / report.seconds),
    p50Ms: +percentile(latencies, 50).toFixed(1),
    p99Ms: +percentile(latencies, 99).toFixed(1),
    peakRssMb: +((usage.hwmKb * 1024) / 1e6).toFixed(1),
  }),
);
