// Measures the console against a running keycloak-sim and writes BENCHMARKS.md.
// Started by scripts/bench.sh, which starts both servers and passes their addresses.
import { readFileSync, writeFileSync } from "node:fs";
import { bulkBenchmark, exportBenchmark } from "./power.mjs";
import { peakReset, processUsage } from "./proc.mjs";
import { frontEndWeight } from "./weight.mjs";
import { callServerFn, expect, request, signIn } from "./http.mjs";
import { adminToken as simAdminToken, clientUuid as simClientUuid, seedOfflineSessions } from "./sim.mjs";
import { runLoad } from "./loadgen.mjs";
import { render } from "./report.mjs";
import { loadAverage, median, percentile, Series } from "./stats.mjs";

const env = process.env;
const CONSOLE = env.CONSOLE_URL;
const SIM = env.SIM_URL;
const FLOOR = env.FLOOR_URL;
const REALM = "demo";
const RUNS = Number(env.BENCH_RUNS ?? 5);
const PER_RUN = Number(env.BENCH_PER_RUN ?? 200);
const LOAD_USERS = Number(env.BENCH_LOAD_USERS ?? 64);
const LOAD_SECONDS = Number(env.BENCH_LOAD_SECONDS ?? 30);
// The load test's timed runs: this VM's speed moves by tens of percent between minutes.
const LOAD_RUNS = Math.max(1, Number(env.BENCH_LOAD_RUNS ?? 3));
// Issue 10: many concurrent sessions for longer (0 skips it).
const MANY_USERS = Number(env.BENCH_MANY_USERS ?? 200);
const MANY_SECONDS = Number(env.BENCH_MANY_SECONDS ?? 60);
// Item 5: the bulk revocation job and the smaller export run over this many sessions of
// the console's own client (0 skips them); the larger export streams the biggest client.
const BULK = { client: "offline-console", sessions: Number(env.BENCH_BULK ?? 100_000), prefix: "bk" };
// The bulk job revokes the sessions whose username contains this ("", the default: all of them).
const BULK_MATCH = env.BENCH_BULK_MATCH ?? "";
const EXPORT_BIG = env.BENCH_EXPORT_BIG !== "0";
const PAGE = 25;
// Items 1 and 2 read pages of 10 rows: the smallest client holds 10 sessions, so every size fills
// its page and the sizes differ only in their totals (with 25, the 10-session page rendered 10
// rows and the others 25, and the comparison measured the rows).
const LATENCY_PAGE = 10;
// Three clients, three sizes: each seeded user holds one offline session with one client.
const SIZES = [
  { client: "photo-print", sessions: 10, prefix: "pp" },
  { client: "mobile-app", sessions: 10_000, prefix: "ma" },
  { client: "backup-service", sessions: Number(env.BENCH_BIG ?? 1_000_000), prefix: "bs" },
];

const log = (...args) => console.error("bench:", ...args);

async function seed(sizes) {
  for (const s of sizes) {
    const started = Date.now();
    await seedOfflineSessions(SIM, REALM, s);
    s.seeded = s.sessions;
    log(`seeded ${s.sessions} offline sessions for ${s.client} in ${Date.now() - started} ms`);
  }
}

const adminToken = () => simAdminToken(SIM, REALM);

async function clientUuids(token) {
  for (const s of SIZES) {
    s.seeded ??= 0;
    s.uuid = await simClientUuid(SIM, REALM, s.client, token);
    const count = await request("GET", `${SIM}/admin/realms/${REALM}/clients/${s.uuid}/offline-session-count`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (JSON.parse(count.body).count !== s.seeded) throw new Error(`${s.client}: count ${count.body}`);
  }
}

/** `PER_RUN` sequential requests; throws on any unexpected status (a benchmark of errors is worthless). */
async function timed(send, status = 200) {
  const latencies = [];
  for (let i = 0; i < PER_RUN; i++) {
    const r = await send();
    expect(r, status, "measured request");
    latencies.push(r.ms);
  }
  return latencies;
}

/** Items 1 and 2: every variant measured in every run, interleaved, so load changes hit all alike. */
async function latencyBenchmarks(jar) {
  const variants = [];
  for (const s of SIZES) {
    const firsts = s.sessions >= 100_000 ? [0, s.sessions - LATENCY_PAGE] : [0];
    for (const first of firsts) {
      const key = { client: s.client, sessions: s.sessions, first };
      variants.push({
        ...key,
        kind: "ssr",
        send: () => jar.send("GET", `${CONSOLE}/admin/${REALM}/clients/${s.uuid}?first=${first}&max=${LATENCY_PAGE}`),
      });
      variants.push({
        ...key,
        kind: "serverFn",
        send: () => callServerFn(jar, CONSOLE, "offline_sessions", { realm: REALM, client: s.uuid, first, max: LATENCY_PAGE }),
      });
      // The Keycloak admin API itself: the page and the total (Keycloak's own console needs both).
      variants.push({
        ...key,
        kind: "direct",
        send: () => directPage(s.uuid, [`offline-sessions?first=${first}&max=${LATENCY_PAGE}`, "offline-session-count"]),
      });
      // The same two reads through the least a console on this stack can be (scripts/bench/floor).
      variants.push({ ...key, kind: "floor", send: () => floorPage(s.uuid, first) });
      // The four reads the server function makes when its cache of the client and realm is cold.
      variants.push({
        ...key,
        kind: "direct4",
        send: () =>
          directPage(s.uuid, [`offline-sessions?first=${first}&max=${LATENCY_PAGE}`, "offline-session-count", "", "/realm"]),
      });
    }
  }
  for (const v of variants) v.series = new Series();
  token = await adminToken();
  for (const s of SIZES) await expectFloorAgrees(s);
  for (let run = 0; run < RUNS; run++) {
    token = await adminToken(); // fresh each run, so it never expires mid-run
    for (const v of variants) {
      await timed(v.send); // warm-up, not counted
      v.series.add(await timed(v.send));
    }
    log(`latency run ${run + 1}/${RUNS} done (load ${loadAverage().toFixed(2)})`);
  }
  return variants.map(({ send, ...v }) => ({ ...v, p50: v.series.p50, p99: v.series.p99, load: v.series.load, runs: v.series.runs }));
}

let token;

async function realmUserCount() {
  const r = await request("GET", `${SIM}/admin/realms/${REALM}/users/count`, {
    headers: { authorization: `Bearer ${await adminToken()}` },
  });
  expect(r, 200, "user count");
  return Number(r.body);
}

/** A page path with client UUIDs replaced by the client's name, for the report. */
function pageLabel(path) {
  return SIZES.reduce((p, s) => p.replace(s.uuid, `<${s.client}>`), path);
}

/** The direct reads in parallel over keep-alive connections, timed as one. */
async function directPage(uuid, paths) {
  const started = process.hrtime.bigint();
  const answers = await Promise.all(
    paths.map((p) => {
      const url =
        p === "/realm"
          ? `${SIM}/admin/realms/${REALM}`
          : `${SIM}/admin/realms/${REALM}/clients/${uuid}${p ? `/${p}` : ""}`;
      return request("GET", url, { headers: { authorization: `Bearer ${token}` } });
    }),
  );
  const bad = answers.find((a) => a.status !== 200);
  return { ...(bad ?? answers[0]), ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** The floor's page: one request, which makes the same two reads as `directPage`. */
function floorPage(uuid, first) {
  return request("GET", `${FLOOR}/${REALM}/${uuid}?first=${first}&max=${LATENCY_PAGE}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

/** The floor must return what Keycloak does, or its timings say nothing. */
async function expectFloorAgrees(s) {
  const floor = await floorPage(s.uuid, 0);
  expect(floor, 200, `the floor's page of ${s.client}`);
  const direct = await directPage(s.uuid, [`offline-sessions?first=0&max=${LATENCY_PAGE}`]);
  const { sessions, total } = JSON.parse(floor.body);
  const ids = (list) => list.map((session) => session.id).join();
  const expectedRows = Math.min(LATENCY_PAGE, s.seeded);
  if (total !== s.seeded || sessions.length !== expectedRows || ids(sessions) !== ids(JSON.parse(direct.body))) {
    throw new Error(`the floor's page of ${s.client} differs from Keycloak's (total ${total}, expected ${s.seeded})`);
  }
}

/** Item 3: `users` signed-in administrators, each on its own session, browsing for `seconds`. */
async function loadBenchmark(realmUsers, { users = LOAD_USERS, seconds = LOAD_SECONDS, runs = LOAD_RUNS } = {}) {
  const pages = [
    `/admin/${REALM}`,
    `/admin/${REALM}/clients`,
    ...SIZES.map((s) => `/admin/${REALM}/clients/${s.uuid}?first=0&max=${PAGE}`),
    `/admin/${REALM}/users`,
  ];
  const cookies = [];
  for (let i = 0; i < users; i++) cookies.push((await signIn(CONSOLE, REALM, "realmadmin", "realmadmin")).header(CONSOLE));
  log(`${users} administrators signed in; browsing ${pages.length} pages for ${seconds} s, ${runs} time(s)`);

  await runLoad(CONSOLE, { cookies, pages, seconds: 3 }); // warm-up
  const measured = [];
  for (let run = 0; run < runs; run++) measured.push(await loadRun(cookies, pages, seconds));
  // Rate, latency and CPU are medians over the runs; time, requests and errors their sums, the
  // peak RSS their maximum; the per-page figures are those of the run with the median rate.
  const middle = [...measured].sort((a, b) => a.rps - b.rps)[Math.floor((runs - 1) / 2)];
  const med = (key) => median(measured.map((r) => r[key]));
  const sum = (key) => measured.reduce((total, r) => total + r[key], 0);
  return {
    realmUsers,
    sessionsPerClient: SIZES.map((s) => ({ client: s.client, sessions: s.seeded })),
    users,
    pages: pages.map(pageLabel),
    runs: measured.map(({ rps, p99 }) => ({ rps, p99 })),
    seconds: sum("seconds"),
    rps: med("rps"),
    p50: med("p50"),
    p99: med("p99"),
    perPage: middle.perPage,
    errors: sum("errors"),
    requests: sum("requests"),
    errorKinds: mergeCounts(measured.map((r) => r.errorKinds)),
    peakRssMb: Math.max(...measured.map((r) => r.peakRssMb)),
    peakIsOwn: measured.every((r) => r.peakIsOwn),
    rssStartMb: measured[0].rssStartMb,
    rssEndMb: measured[measured.length - 1].rssEndMb,
    consoleCpuPercent: med("consoleCpuPercent"),
    simCpuPercent: med("simCpuPercent"),
    loadGeneratorCpuPercent: med("loadGeneratorCpuPercent"),
    loadBefore: measured[0].loadBefore,
    loadAfter: measured[measured.length - 1].loadAfter,
  };
}

function mergeCounts(counts) {
  const merged = {};
  for (const count of counts) for (const [kind, n] of Object.entries(count)) merged[kind] = (merged[kind] ?? 0) + n;
  return merged;
}

/** One timed run of the load test: every administrator loads pages until `seconds` have passed. */
async function loadRun(cookies, pages, seconds) {
  const usage = () => ({ console: processUsage(env.CONSOLE_PID), sim: processUsage(env.SIM_PID) });
  // The peak is this run's own: VmHWM is reset to the current RSS first (where Linux allows).
  const peakIsOwn = peakReset(env.CONSOLE_PID);
  const before = { proc: usage(), at: process.hrtime.bigint(), load: loadAverage() };
  const report = await runLoad(CONSOLE, { cookies, pages, seconds });
  const elapsed = Number(process.hrtime.bigint() - before.at) / 1e9;
  const after = usage();
  const cpuPercent = (who) => ((after[who].cpuTicks - before.proc[who].cpuTicks) / 100 / elapsed) * 100;
  const latencies = report.latencies.flat();
  const errors = report.errors;
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    seconds: elapsed,
    requests: latencies.length + errorCount,
    rps: (latencies.length + errorCount) / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: errorCount,
    perPage: pages.map((p, i) => {
      const own = report.latencies[i];
      return { page: pageLabel(p), requests: own.length, p50: percentile(own, 50), p99: percentile(own, 99) };
    }),
    errorKinds: errors,
    peakRssMb: (after.console.hwmKb * 1024) / 1e6, // decimal MB, as the goal
    peakIsOwn,
    rssStartMb: (before.proc.console.rssKb * 1024) / 1e6,
    rssEndMb: (after.console.rssKb * 1024) / 1e6,
    consoleCpuPercent: cpuPercent("console"),
    simCpuPercent: cpuPercent("sim"),
    loadGeneratorCpuPercent: (report.cpuSeconds / elapsed) * 100,
    loadBefore: before.load,
    loadAfter: loadAverage(),
  };
}

/** Item 5: exports of the biggest client and of BULK, then the bulk revocation of BULK. */
async function powerTools(jar) {
  if (env.EXPORT_ROUTES !== "1") return null;
  const common = { consoleUrl: CONSOLE, consolePid: env.CONSOLE_PID, jar, realm: REALM };
  const big = SIZES[2];
  const exports = EXPORT_BIG
    ? await exportBenchmark({ ...common, client: big.client, uuid: big.uuid, expectedRows: big.seeded })
    : [];
  if (BULK.sessions === 0) return { exports, bulk: null };
  await seed([BULK]);
  const uuid = await clientUuid(BULK.client);
  exports.unshift(...(await exportBenchmark({ ...common, client: BULK.client, uuid, expectedRows: BULK.sessions })));
  let expected = 0;
  for (let n = 1; n <= BULK.sessions; n++) if (`${BULK.prefix}${n}`.includes(BULK_MATCH)) expected++;
  const bulk = await bulkBenchmark({
    ...common,
    client: BULK.client,
    uuid,
    sessions: BULK.sessions,
    usernameContains: BULK_MATCH,
    expected,
  });
  return { exports, bulk };
}

async function clientUuid(clientId) {
  return simClientUuid(SIM, REALM, clientId, await adminToken());
}

async function main() {
  const startedAt = new Date();
  // The load test runs before the 1,000,000-session seed and after it (each seeded session has a
  // user of its own, so the realm then holds a million more users).
  await seed(SIZES.slice(0, 2));
  await clientUuids(await adminToken());
  const loads = [await loadBenchmark(await realmUserCount())];
  const many = MANY_USERS > 0
    ? await loadBenchmark(await realmUserCount(), { users: MANY_USERS, seconds: MANY_SECONDS, runs: 1 })
    : null;
  await seed(SIZES.slice(2));
  await clientUuids(await adminToken());
  const jar = await signIn(CONSOLE, REALM, "realmadmin", "realmadmin");
  const latency = await latencyBenchmarks(jar);
  loads.push(await loadBenchmark(await realmUserCount()));
  const power = await powerTools(jar);
  const weight = await frontEndWeight(env.SITE_PKG, CONSOLE, jar, [
    ["start page", "/"],
    ["overview page", `/admin/${REALM}`],
    ["offline sessions page", `/admin/${REALM}/clients/${SIZES[0].uuid}?first=0&max=${PAGE}`],
    ["session tools page", `/admin/${REALM}/clients/${SIZES[0].uuid}/tools`],
    ["user search page", `/admin/${REALM}/users`],
    ["policy page", `/admin/${REALM}/policy`],
    ["revocation page", `/admin/${REALM}/revocation`],
    ["readiness page", `/admin/${REALM}/readiness`],
    ["audit log page", "/audit"],
  ]);
  const results = {
    startedAt,
    finishedAt: new Date(),
    runs: RUNS,
    perRun: PER_RUN,
    pageSize: LATENCY_PAGE,
    loadSeconds: LOAD_SECONDS,
    loadRuns: LOAD_RUNS,
    sizes: SIZES.map(({ client, sessions }) => ({ client, sessions })),
    latency,
    loads,
    many,
    power,
    weight,
    build: env.BUILD_NOTE ?? "",
    exportRoutes: env.EXPORT_ROUTES === "1",
  };
  writeFileSync(env.RESULTS_JSON, JSON.stringify(results, null, 2));
  writeFileSync(env.OUT, render(results));
  log(`wrote ${env.OUT}`);
}

/** `node bench.mjs --render RESULTS OUT`: rewrites the report from saved results. */
async function renderOnly([results, out]) {
  const r = JSON.parse(readFileSync(results, "utf8"));
  writeFileSync(out, render({ ...r, startedAt: new Date(r.startedAt), finishedAt: new Date(r.finishedAt) }));
}

(process.argv[2] === "--render" ? renderOnly(process.argv.slice(3)) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
