// Both consoles in the same headless Chromium: signing in, time to the first session row, and
// what a first load transfers. Playwright comes from end2end/'s packages.
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

const require = createRequire(new URL("../../../end2end/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

/** A row of a session table: both consoles list the session's username in it. */
const SESSION_ROW = 'table tbody tr:has-text("bench-user-")';
const ROW_TIMEOUT_MS = 300_000;

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true });
}

/** Fills Keycloak's login form on `page` and submits it. */
async function submitLogin(page, username, password) {
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(password);
  await page.locator("#kc-login").click();
}

/** The signed-in state of Keycloak's admin console (master's admin). */
export async function keycloakSignIn(browser, kc) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${kc}/admin/master/console/`);
  await submitLogin(page, "admin", "admin");
  // Back from the login with a code, which the console exchanges and then drops from the URL.
  await page.waitForURL((url) => url.pathname === "/admin/master/console/" && !url.searchParams.has("code"), {
    timeout: 60_000,
  });
  await page.waitForLoadState("networkidle");
  const state = await context.storageState();
  await context.close();
  return state;
}

/** The signed-in state of the console (master's admin, a cross-realm administrator). */
export async function consoleSignIn(browser, consoleUrl, realm) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${consoleUrl}/auth/login?realm=master&next=/admin/${realm}`);
  await submitLogin(page, "admin", "admin");
  await page.waitForURL(`${consoleUrl}/admin/${realm}`, { timeout: 60_000 });
  const state = await context.storageState();
  await context.close();
  return state;
}

/**
 * Milliseconds from the start of navigation to `url` until the first session row is visible,
 * in a new context holding only the sign-in (no cached assets), so every run is a first load.
 */
export async function timeToFirstRow(browser, state, url) {
  const context = await browser.newContext({ storageState: state });
  const page = await context.newPage();
  try {
    const started = Date.now();
    await page.goto(url, { waitUntil: "commit", timeout: ROW_TIMEOUT_MS });
    await page.locator(SESSION_ROW).first().waitFor({ state: "visible", timeout: ROW_TIMEOUT_MS });
    return Date.now() - started;
  } finally {
    await context.close();
  }
}

/**
 * What a first load of `url` transfers until its first row is visible and the network is idle:
 * bytes on the wire (headers and encoded bodies, from Chromium's own accounting) and, per
 * asset, its decoded size and its size under gzip -9 (the like-for-like figure).
 */
export async function firstLoadWeight(browser, state, url) {
  const context = await browser.newContext({ storageState: state });
  const page = await context.newPage();
  const responses = [];
  page.on("response", (response) => responses.push(response));
  try {
    await page.goto(url, { waitUntil: "commit", timeout: ROW_TIMEOUT_MS });
    await page.locator(SESSION_ROW).first().waitFor({ state: "visible", timeout: ROW_TIMEOUT_MS });
    await page.waitForLoadState("networkidle", { timeout: ROW_TIMEOUT_MS });
    const assets = [];
    for (const response of responses) {
      const sizes = await response.request().sizes().catch(() => null);
      const body = await response.body().catch(() => null);
      const { pathname } = new URL(response.url());
      assets.push({
        url: response.url().split("?")[0],
        kind: kindOf(pathname, response.headers()["content-type"] ?? ""),
        status: response.status(),
        transferred: sizes ? sizes.responseHeadersSize + sizes.responseBodySize : 0,
        decoded: body ? body.length : 0,
        gzip: body && body.length ? gzipSync(body, { level: 9 }).length : 0,
      });
    }
    const sum = (key) => assets.reduce((total, a) => total + a[key], 0);
    const byKind = {};
    for (const a of assets) {
      const k = (byKind[a.kind] ??= { requests: 0, transferred: 0, gzip: 0 });
      k.requests++;
      k.transferred += a.transferred;
      k.gzip += a.gzip;
    }
    return { requests: assets.length, transferred: sum("transferred"), decoded: sum("decoded"), gzip: sum("gzip"), byKind, assets };
  } finally {
    await context.close();
  }
}

function kindOf(pathname, contentType) {
  if (/\.m?js$/.test(pathname) || contentType.includes("javascript")) return "script";
  if (pathname.endsWith(".wasm") || contentType.includes("wasm")) return "wasm";
  if (pathname.endsWith(".css") || contentType.includes("css")) return "style";
  if (contentType.includes("json")) return "data";
  if (contentType.includes("html")) return "document";
  if (/\.(woff2?|ttf|otf)$/.test(pathname) || contentType.includes("font")) return "font";
  if (/\.(svg|png|ico|jpe?g|gif|webp)$/.test(pathname) || contentType.startsWith("image/")) return "image";
  return "other";
}
