// Item 4: what a first page load downloads (WASM, JS, CSS): raw, gzip -9, brotli 11,
// and what the console actually sends to a browser that accepts br and gzip.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
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
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      servedEncoding: served.headers["content-encoding"] ?? "none",
      servedBytes: served.bytes,
      servedStatus: served.status,
    });
  }
  const total = (key) => files.reduce((sum, f) => sum + f[key], 0);
  return { files, raw: total("raw"), gzip: total("gzip"), brotli: total("brotli"), served: total("servedBytes") };
}
