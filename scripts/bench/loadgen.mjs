// Runs the load generator (scripts/bench/loadgen, built by bench.sh): `cookies` signed-in
// administrators, one keep-alive connection each, loading `pages` in turn for `seconds` or
// until `requests` loads. Resolves to its report: per page the milliseconds of each 200
// answer, errors by kind, and its own CPU seconds.
import { spawn } from "node:child_process";

export function runLoad(consoleUrl, { cookies, pages, seconds, requests }) {
  const plan = { address: new URL(consoleUrl).host, cookies, pages, seconds, requests };
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.LOADGEN_BIN, { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    // "close", not "exit": only then has the whole report (about a megabyte) been read.
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`loadgen exited with ${code}`))));
    child.stdin.end(JSON.stringify(plan));
  });
}
