// Item 4: what a first page load downloads (WASM, JS, CSS): raw, gzip -9, brotli 11,
// and what the console actually sends to a browser that accepts br and gzip.
// The build is split (`cargo leptos build --split`): every page loads the shell (main wasm, its
// JS glue, the split loader, the CSS); a data page also loads its own chunk and the shared chunks
// it needs, listed in `__wasm_split_manifest.json` (the loader fetches exactly those).
import { existsSync, readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { request } from "./http.mjs";

const SPLIT_LOADER = "__wasm_split.______________________.js";
const SHELL = ["offline-console.wasm", "offline-console.js", SPLIT_LOADER, "offline-console.css"];

async function measure(pkgDir, consoleUrl, name) {
  const bytes = readFileSync(`${pkgDir}/${name}`);
  const served = await request("GET", `${consoleUrl}/pkg/${name}`, {
    headers: { "accept-encoding": "gzip, deflate, br" },
  });
  return {
    name,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    servedEncoding: served.headers["content-encoding"] ?? "none",
    servedBytes: served.bytes,
    servedStatus: served.status,
  };
}

/** `__policy_page_route_view_<hash>` → `policy page`. */
const pageName = (splitName) => splitName.replace(/^__/, "").replace(/_route_view_\d+$/, "").replaceAll("_", " ");

const sum = (files, key) => files.reduce((total, f) => total + f[key], 0);
const totals = (files) => ({ raw: sum(files, "raw"), gzip: sum(files, "gzip"), brotli: sum(files, "brotli"), served: sum(files, "servedBytes") });

export async function frontEndWeight(pkgDir, consoleUrl) {
  const shell = SHELL.filter((name) => name !== SPLIT_LOADER || existsSync(`${pkgDir}/${name}`));
  const files = [];
  for (const name of shell) files.push(await measure(pkgDir, consoleUrl, name));
  const manifestFile = `${pkgDir}/__wasm_split_manifest.json`;
  const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, "utf8")) : {};
  const chunks = new Map();
  const pages = [{ page: "start, sign-in and not-found pages (shell only)", chunks: 0, ...totals(files) }];
  for (const [split, names] of Object.entries(manifest)) {
    const own = [];
    for (const name of names.map((n) => `${n}.wasm`)) {
      if (!chunks.has(name)) chunks.set(name, await measure(pkgDir, consoleUrl, name));
      own.push(chunks.get(name));
    }
    const extra = totals(own);
    const shellTotals = totals(files);
    pages.push({
      page: pageName(split),
      chunks: own.length,
      chunkGzip: extra.gzip,
      raw: shellTotals.raw + extra.raw,
      gzip: shellTotals.gzip + extra.gzip,
      brotli: shellTotals.brotli + extra.brotli,
      served: shellTotals.served + extra.served,
    });
  }
  pages.sort((a, b) => a.gzip - b.gzip);
  const failed = [...files, ...chunks.values()].filter((f) => f.servedStatus !== 200).map((f) => f.name);
  if (failed.length) throw new Error(`the console does not serve ${failed.join(", ")}`);
  return { files, ...totals(files), pages, heaviest: pages.at(-1), lightest: pages[0] };
}
