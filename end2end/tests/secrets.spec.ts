import { readFileSync } from "node:fs";
import { expect, Response, test } from "@playwright/test";
import { backupServiceOfflineToken, open, signIn } from "./helpers";

// A full journey with every response body recorded; afterwards none of them,
// nor the console's log (stack/start.sh tees it to a file), may hold a token,
// the client secret or a password.

const consolePort = Number(process.env.E2E_CONSOLE_PORT ?? 3100);
const consoleLog = process.env.E2E_CONSOLE_LOG ?? `/tmp/offline-console-e2e-${consolePort}.log`;
const consoleOrigin = `http://127.0.0.1:${consolePort}`;

/** base64url JSON header `{"` then two more dot-separated parts: a JWT. */
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;
const SECRETS = ["offline-console-secret", "offline-console-master-secret", "backup-service-secret"];
const PASSWORDS = ["realmadmin", "alice"].map((p) => `password=${p}`);

test("no token, secret or password reaches a browser or the log during a full journey", async ({ page }) => {
  test.setTimeout(120_000);
  const bodies: { url: string; text: string }[] = [];
  const pending: Promise<void>[] = [];
  page.on("response", (response: Response) => {
    // Only the console's answers: Keycloak's token endpoint legitimately returns tokens to the console, not the browser.
    if (!response.url().startsWith(consoleOrigin)) return;
    pending.push(
      response
        .body()
        .then((body) => {
          bodies.push({ url: response.url(), text: body.toString("latin1") });
        })
        .catch(() => undefined), // redirects have no body
    );
  });

  await backupServiceOfflineToken("carol");
  await signIn(page, "demo", "realmadmin");
  await open(page, "/admin/demo");
  await open(page, "/admin/demo/clients?search=backup-service");
  await page.getByRole("link", { name: "backup-service" }).first().click();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await open(page, "/admin/demo/users?search=carol");
  await page.getByRole("link", { name: "carol" }).first().click();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByRole("button", { name: "Revoke…" }).first().click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke consent and offline tokens" }).click();
  await expect(page.getByText("Access revoked")).toBeVisible();
  // A policy change and back, through the review dialog.
  for (const days of ["29", "30"]) {
    await open(page, "/admin/demo/policy");
    await page.locator("#offline-idle").fill(days);
    await page.getByRole("button", { name: "Review changes…" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Save changes" }).click();
    await expect(page.locator(".alert.success").filter({ hasText: "Saved." })).toBeVisible();
  }
  await open(page, "/audit");
  await page.context().clearCookies();

  await backupServiceOfflineToken("alice");
  await signIn(page, "demo", "alice", "alice", "/realms/demo/my-applications");
  await open(page, "/realms/demo/my-applications");
  await Promise.all(pending);

  expect(bodies.length).toBeGreaterThan(10);
  const kinds = new Set(bodies.map((b) => b.url.split("?")[0].split(".").pop()));
  expect([...kinds]).toEqual(expect.arrayContaining(["js", "wasm", "css"]));
  expect(bodies.some((b) => b.url.includes("/api/"))).toBe(true);

  const leaks: string[] = [];
  const scan = (where: string, text: string) => {
    const jwt = text.match(JWT);
    if (jwt) leaks.push(`${where}: a JWT ${jwt[0].slice(0, 20)}…`);
    for (const secret of SECRETS) if (text.includes(secret)) leaks.push(`${where}: ${secret}`);
    for (const password of PASSWORDS) if (text.includes(password)) leaks.push(`${where}: ${password}`);
  };
  for (const body of bodies) scan(body.url, body.text);
  const log = readFileSync(consoleLog, "utf8");
  expect(log.length).toBeGreaterThan(0);
  scan("console log", log);
  expect(leaks).toEqual([]);
});
