import { expect, test } from "@playwright/test";
import { open, signIn } from "./helpers";

// `historian` (a master administrator added by stack/patch-realms.mjs) is used
// by this spec only: connecting history gives the console an offline grant
// for that account, which no other spec should see.
test("an administrator connects history, takes a snapshot and sees the trend chart", async ({ page }) => {
  await signIn(page, "master", "historian");
  await open(page, "/admin/master");
  const panel = page.locator(".history-panel");
  await expect(panel).toContainText("History is not connected");

  // Keycloak's authorization with scope=offline_access; the SSO session of
  // the sign-in answers at once (offline-console asks for no consent). Keycloak
  // 26.7 turns that SSO session into the offline one, so the console's renewal
  // of its own sign-in then meets Keycloak's login form.
  await panel.getByRole("button", { name: "Connect history" }).click();
  await page.waitForURL((url) => url.pathname === "/admin/master" || url.pathname.includes("/realms/master/"));
  if (new URL(page.url()).pathname !== "/admin/master") {
    await page.locator("#username").fill("historian");
    await page.locator("#password").fill("historian");
    await page.locator("#kc-login").click();
  }
  await page.waitForURL("**/admin/master");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(panel.locator(".connected-by")).toHaveText("historian (master)");

  await panel.getByRole("button", { name: "Snapshot now" }).click();
  await expect(panel.getByRole("status")).toContainText("Snapshot taken");
  await expect(panel.locator(".last-run")).toContainText("succeeded");

  await panel.getByRole("link", { name: "Trends" }).click();
  await page.waitForURL("**/admin/history");
  const chart = page.getByRole("list", { name: /^Offline sessions per client over 1 snapshot/ });
  await expect(chart).toHaveCount(1);
  // The console's own offline session, drawn with an accessible label.
  await expect(
    chart.getByRole("listitem", { name: "master / offline-console: 1 at the latest snapshot" }),
  ).toHaveCount(1);
  const box = await page.locator("svg.trend-chart").boundingBox();
  expect(box!.width).toBeGreaterThan(200);
  const ownRow = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "master", exact: true }) })
    .filter({ has: page.getByRole("cell", { name: "offline-console", exact: true }) });
  await expect(ownRow).toContainText("less than a week of data");

  const csv = await page.request.get("/history.csv");
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toMatch(/,succeeded,master,offline-console,\d+,1,1,0,0,0,\r\n/);
});
