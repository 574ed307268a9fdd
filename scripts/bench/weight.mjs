// Item 4: what a first page load downloads (WASM, JS, CSS): raw, gzip -9, brotli 11,
// and what the console actually sends to a browser that accepts br and gzip.
// The build uses leptos islands, split (`cargo leptos build --split`): each page's HTML preloads
// the main wasm with its JS glue (which imports the split loader) and links the stylesheet; a
// page's lazy islands (`#[island(lazy)]`) fetch their chunks while it hydrates, as listed in
// `__wasm_split_manifest.json`. What a page loads is read from the page itself (its `/pkg/`
// links and its islands), so a page that stopped loading the wasm would show up here.
import { existsSync, readFileSync } from "node:fs";
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

const SPLIT_LOADER = "__wasm_split.______________________.js";

/** Split name → the chunk files its loader fetches (`{}` for a build without `--split`). */
function splitManifest(pkgDir) {
  const file = `${pkgDir}/__wasm_split_manifest.json`;
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
}

/** `PolicyEditor_2065…` (an island in the HTML) → `policy_editor_loader_` (its split's prefix). */
const splitPrefix = (island) =>
  `${island.replace(/_\d+$/, "").replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase()}_loader_`;

/** The `/pkg/` files a page loads, once each: what its HTML links, preloads or runs, the split
 * loader that the JS glue imports, and the chunks of the lazy islands on the page. */
function pkgFiles(html, pkgDir, manifest) {
  const names = [...html.matchAll(/(?:href|src)="\/pkg\/([^"?#]+)"/g)].map((m) => m[1]);
  if (existsSync(`${pkgDir}/${SPLIT_LOADER}`)) names.push(SPLIT_LOADER);
  const islands = new Set([...html.matchAll(/<leptos-island[^>]*data-component="([^"]+)"/g)].map((m) => m[1]));
  for (const island of islands) {
    const prefix = splitPrefix(island);
    const split = Object.keys(manifest).find((name) => name.startsWith(prefix));
    if (split) names.push(...manifest[split].map((chunk) => `${chunk}.wasm`));
  }
  return [...new Set(names)];
}

const sum = (files, key) => files.reduce((total, f) => total + f[key], 0);
const totals = (files) => ({ raw: sum(files, "raw"), gzip: sum(files, "gzip"), brotli: sum(files, "brotli"), served: sum(files, "servedBytes") });

/** `pages`: [name, path] pairs, fetched with `jar` (a signed-in administrator's cookies). */
export async function frontEndWeight(pkgDir, consoleUrl, jar, pages) {
  const manifest = splitManifest(pkgDir);
  const measured = new Map();
  const result = [];
  for (const [page, path] of pages) {
    const response = await jar.send("GET", `${consoleUrl}${path}`);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    const names = pkgFiles(response.body, pkgDir, manifest);
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
