// The console beside Keycloak's own admin console on one real Keycloak (scripts/bench-keycloak.sh
// starts PostgreSQL, Keycloak and the console and passes their addresses). Writes the report.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { callServerFn, expect, request, signIn } from "../http.mjs";
import { runLoad } from "../loadgen.mjs";
import { processUsage } from "../proc.mjs";
import { loadAverage, percentile } from "../stats.mjs";
import { consoleSignIn, firstLoadWeight, keycloakSignIn, launch, timeToFirstRow } from "./browser.mjs";
import { render } from "./report.mjs";
import { clientUuid, createRealm, grantOfflineSessions, masterToken, offlineCount, REALM } from "./seed.mjs";

const env = process.env;
const KC = env.KEYCLOAK_URL;
const CONSOLE = env.CONSOLE_URL;
const SIZES = (env.BENCH_KC_SIZES ?? "10,1000,10000,100000").split(",").map(Number);
const SEED_SECONDS = Number(env.BENCH_KC_SEED_SECONDS ?? 900);
const SEED_USERS = Number(env.BENCH_KC_SEED_USERS ?? 500);
const SEED_CONCURRENCY = Number(env.BENCH_KC_SEED_CONCURRENCY ?? 12);
const RUNS = Math.max(5, Number(env.BENCH_KC_RUNS ?? 5));
const PER_RUN = Number(env.BENCH_KC_PER_RUN ?? 100);
const OVERHEAD_RUNS = Number(env.BENCH_KC_OVERHEAD_RUNS ?? 3);
const LOAD_USERS = Number(env.BENCH_KC_LOAD_USERS ?? 64);
const LOAD_SECONDS = Number(env.BENCH_KC_LOAD_SECONDS ?? 30);
// The console's sessions page and Keycloak's REST reads both ask for this many rows.
const PAGE = 10;

const log = (...args) => console.error("bench-keycloak:", ...args);

/** Item 1: the realm, then the sizes smallest first until the seeding budget runs out. */
async function seed() {
  await createRealm(KC, SIZES, SEED_USERS);
  const deadline = Date.now() + SEED_SECONDS * 1000;
  const seeded = [];
  for (const size of SIZES) {
    const result = await grantOfflineSessions(KC, {
      size,
      sessions: size,
      users: SEED_USERS,
      concurrency: SEED_CONCURRENCY,
      deadline,
    });
    const uuid = await clientUuid(KC, await masterToken(KC), size);
    const count = await offlineCount(KC, await masterToken(KC), uuid);
    seeded.push({ size, uuid, ...result, count, complete: result.granted === size && count === size });
    log(`${size}: ${result.granted} offline grants in ${result.ms} ms (${rate(result)}/s), Keycloak counts ${count}`);
    if (result.granted < size) break;
  }
  return seeded;
}

const rate = ({ granted, ms }) => Math.round((granted / ms) * 1000);

/** Item 2: both consoles, every size, interleaved run by run; the order alternates. */
async function timeToFirstRows(browser, sizes) {
  const kcState = await keycloakSignIn(browser, KC);
  const ourState = await consoleSignIn(browser, CONSOLE, REALM);
  const views = sizes.flatMap((s) => [
    { size: s.size, console: "keycloak", url: `${KC}/admin/master/console/#/${REALM}/clients/${s.uuid}/sessions`, state: kcState },
    { size: s.size, console: "ours", url: `${CONSOLE}/admin/${REALM}/clients/${s.uuid}`, state: ourState },
  ]);
  for (const v of views) {
    v.ms = [];
    await timeToFirstRow(browser, v.state, v.url); // warm-up: JIT, caches and connections of both servers
  }
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 === 0 ? views : [...views].reverse();
    for (const v of order) v.ms.push(await timeToFirstRow(browser, v.state, v.url));
    log(`first rows, run ${run + 1}/${RUNS}: ${views.map((v) => `${v.console}@${v.size} ${v.ms.at(-1)} ms`).join(", ")}`);
  }
  const weight = {
    keycloak: await firstLoadWeight(browser, kcState, views[0].url),
    ours: await firstLoadWeight(browser, ourState, views[1].url),
    size: sizes[0].size,
  };
  return {
    views: views.map(({ size, console, ms }) => ({ size, console, ms, p50: percentile(ms, 50), p95: percentile(ms, 95) })),
    weight,
  };
}

/** Item 4: the server function of the sessions page against the same two REST reads. */
async function overhead(sizes) {
  const jar = await signIn(CONSOLE, "master", "admin", "admin");
  const variants = sizes.flatMap((s) => [
    {
      size: s.size,
      kind: "console",
      send: () => callServerFn(jar, CONSOLE, "offline_sessions", { realm: REALM, client: s.uuid, first: 0, max: PAGE }),
    },
    { size: s.size, kind: "direct", send: (token) => directPage(s.uuid, token) },
  ]);
  for (const v of variants) v.latencies = [];
  for (let run = 0; run < OVERHEAD_RUNS; run++) {
    for (const v of variants) {
      const token = await masterToken(KC); // fresh each batch: master's access tokens last a minute
      for (let i = 0; i < 5; i++) expect(await v.send(token), 200, "warm-up"); // not counted
      for (let i = 0; i < PER_RUN; i++) {
        const r = await v.send(token);
        expect(r, 200, `${v.kind} page of ${v.size}`);
        v.latencies.push(r.ms);
      }
    }
    log(`overhead run ${run + 1}/${OVERHEAD_RUNS} done`);
  }
  return variants.map(({ size, kind, latencies }) => ({
    size,
    kind,
    requests: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  }));
}

/** A page of offline sessions and their count, in parallel, timed as one. */
async function directPage(uuid, token) {
  const started = process.hrtime.bigint();
  const base = `${KC}/admin/realms/${REALM}/clients/${uuid}`;
  const headers = { authorization: `Bearer ${token}` };
  const answers = await Promise.all([
    request("GET", `${base}/offline-sessions?first=0&max=${PAGE}`, { headers }),
    request("GET", `${base}/offline-session-count`, { headers }),
  ]);
  const bad = answers.find((a) => a.status !== 200);
  return { ...(bad ?? answers[0]), ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** Item 5: signed-in administrators browsing the console's pages for LOAD_SECONDS. */
async function load(sizes) {
  const pages = [
    `/admin/${REALM}`,
    `/admin/${REALM}/clients`,
    ...sizes.map((s) => `/admin/${REALM}/clients/${s.uuid}?first=0&max=25`),
    `/admin/${REALM}/users`,
  ];
  const cookies = [];
  for (let i = 0; i < LOAD_USERS; i++) cookies.push((await signIn(CONSOLE, "master", "admin", "admin")).header(CONSOLE));
  await runLoad(CONSOLE, { cookies, pages, seconds: 3 }); // warm-up
  const usage = () => ({ console: processUsage(env.CONSOLE_PID), keycloak: processUsage(env.KEYCLOAK_PID) });
  const before = { ...usage(), at: process.hrtime.bigint() };
  const report = await runLoad(CONSOLE, { cookies, pages, seconds: LOAD_SECONDS });
  const seconds = Number(process.hrtime.bigint() - before.at) / 1e9;
  const after = usage();
  const latencies = report.latencies.flat();
  const errors = Object.values(report.errors).reduce((a, b) => a + b, 0);
  const cpuMsPerPage = (who) => ((after[who].cpuTicks - before[who].cpuTicks) * 10) / Math.max(1, latencies.length);
  const label = (p) => sizes.reduce((path, s) => path.replace(s.uuid, `<bench-${s.size}>`), p);
  return {
    users: LOAD_USERS,
    seconds,
    requests: latencies.length + errors,
    rps: (latencies.length + errors) / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    errorKinds: report.errors,
    perPage: pages.map((p, i) => ({ page: label(p), requests: report.latencies[i].length, p50: percentile(report.latencies[i], 50), p99: percentile(report.latencies[i], 99) })),
    consoleRssMb: (after.console.rssKb * 1024) / 1e6,
    consolePeakRssMb: (after.console.hwmKb * 1024) / 1e6,
    consoleCpuMsPerPage: cpuMsPerPage("console"),
    keycloakCpuMsPerPage: cpuMsPerPage("keycloak"),
    loadGeneratorCpuSeconds: report.cpuSeconds,
  };
}

function machine() {
  const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.+)/)?.[1] ?? "unknown CPU";
  return { cpu, cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), kernel: os.release() };
}

async function main() {
  const startedAt = new Date();
  const seeded = await seed();
  const measured = seeded.filter((s) => s.complete);
  if (measured.length === 0) throw new Error("not even the smallest size could be seeded");
  const browser = await launch();
  const chromium = browser.version();
  let firstRows;
  try {
    firstRows = await timeToFirstRows(browser, measured);
  } finally {
    await browser.close();
  }
  const results = {
    startedAt,
    finishedAt: null,
    machine: machine(),
    versions: { keycloak: env.KEYCLOAK_VERSION, java: env.JAVA_VERSION, postgres: env.POSTGRES_VERSION, chromium },
    build: env.BUILD_NOTE,
    commit: env.COMMIT,
    config: { sizes: SIZES, seedSeconds: SEED_SECONDS, seedUsers: SEED_USERS, seedConcurrency: SEED_CONCURRENCY, runs: RUNS, perRun: PER_RUN, overheadRuns: OVERHEAD_RUNS, pageSize: PAGE },
    seeded: seeded.map(({ uuid, ...s }) => s),
    firstRows,
    overhead: await overhead(measured),
    load: await load(measured),
    loadAverage: loadAverage(),
  };
  results.finishedAt = new Date();
  writeFileSync(env.RESULTS_JSON, JSON.stringify(results, null, 2));
  writeFileSync(env.OUT, render(results));
  log(`wrote ${env.OUT}`);
}

/** `node main.mjs --render RESULTS OUT`: rewrites the report from saved results. */
function renderOnly([resultsFile, out]) {
  writeFileSync(out, render(JSON.parse(readFileSync(resultsFile, "utf8"))));
}

(process.argv[2] === "--render" ? Promise.resolve(renderOnly(process.argv.slice(3))) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
