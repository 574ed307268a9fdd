// Item 4: what a first page load downloads (WASM, JS, CSS): raw, gzip -9, brotli 11,
// and what the console actually sends to a browser that accepts br and gzip.
// The build uses leptos islands: one wasm holds every interactive island, and each page's HTML
// preloads it with its JS glue and links the stylesheet. What a page loads is read from the page
// itself (its `/pkg/` links), so a page that stopped loading the wasm would show up here.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { request } from "./http.mjs";

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

/** The `/pkg/` files a page's HTML links, preloads or runs, in order, once each. */
function pkgFiles(html) {
  const names = [...html.matchAll(/(?:href|src)="\/pkg\/([^"?#]+)"/g)].map((m) => m[1]);
  return [...new Set(names)];
}

const sum = (files, key) => files.reduce((total, f) => total + f[key], 0);
const totals = (files) => ({ raw: sum(files, "raw"), gzip: sum(files, "gzip"), brotli: sum(files, "brotli"), served: sum(files, "servedBytes") });

/** `pages`: [name, path] pairs, fetched with `jar` (a signed-in administrator's cookies). */
export async function frontEndWeight(pkgDir, consoleUrl, jar, pages) {
  const measured = new Map();
  const result = [];
  for (const [page, path] of pages) {
    const response = await jar.send("GET", `${consoleUrl}${path}`);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    const names = pkgFiles(response.body);
    if (!names.some((n) => n.endsWith(".wasm"))) throw new Error(`${path} loads no wasm: is this an islands build?`);
    const own = [];
    for (const name of names) {
      if (!measured.has(name)) measured.set(name, await measure(pkgDir, consoleUrl, name));
      own.push(measured.get(name));
    }
    result.push({ page, files: names, ...totals(own) });
  }
  result.sort((a, b) => a.gzip - b.gzip);
  const files = [...measured.values()];
  const failed = files.filter((f) => f.servedStatus !== 200).map((f) => f.name);
  if (failed.length) throw new Error(`the console does not serve ${failed.join(", ")}`);
  return { files, ...totals(files), pages: result, heaviest: result.at(-1), lightest: result[0] };
}
