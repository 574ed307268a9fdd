// Item 4: what a first page load downloads (WASM, JS, CSS), raw and gzip -9,
// and whether the console itself compresses them on the wire.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { request } from "./http.mjs";

const FIRST_LOAD = ["offline-console.wasm", "offline-console.js", "offline-console.css"];

export async function frontEndWeight(pkgDir, consoleUrl) {
  const files = [];
  for (const name of FIRST_LOAD) {
    const bytes = readFileSync(`${pkgDir}/${name}`);
    const served = await request("GET", `${consoleUrl}/pkg/${name}`, {
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    files.push({
      name,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      servedEncoding: served.headers["content-encoding"] ?? "none",
      servedStatus: served.status,
    });
  }
  const total = (key) => files.reduce((sum, f) => sum + f[key], 0);
  return { files, raw: total("raw"), gzip: total("gzip") };
}
