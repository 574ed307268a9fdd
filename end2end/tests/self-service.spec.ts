import { Browser, expect, Page, test } from "@playwright/test";
import { backupServiceOfflineToken, refreshStatus, signIn, keycloakUrl } from "./helpers";

// photo-print's registered redirect URI; nothing listens there, so the browser
// request is answered by the test and its code kept.
const photoPrintUrl = "http://127.0.0.1:4000";
const myApplications = "/realms/demo/my-applications";

/** photo-print's offline token for `username`, through the login form and the consent screen. */
async function photoPrintOfflineToken(browser: Browser, username: string): Promise<string> {
  const context = await browser.newContext();
  let code = "";
  await context.route(`${photoPrintUrl}/**`, async (route) => {
    code = new URL(route.request().url()).searchParams.get("code") ?? "";
    await route.fulfill({ status: 200, contentType: "text/html", body: "<p>Photo Print</p>" });
  });
  const page = await context.newPage();
  const authorize = new URL(`${keycloakUrl}/realms/demo/protocol/openid-connect/auth`);
  authorize.search = new URLSearchParams({
    client_id: "photo-print",
    response_type: "code",
    redirect_uri: `${photoPrintUrl}/callback`,
    scope: "openid offline_access",
    state: "e2e",
  }).toString();
  await page.goto(authorize.toString());
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(username);
  await page.locator("#kc-login").click();
  await expect(page.locator("body")).toContainText("Photo Print");
  await expect(page.locator("#kc-oauth")).toContainText("Offline Access");
  await page.locator("#kc-login").click(); // "Yes"
  await expect.poll(() => code).not.toBe("");
  await context.close();
  const response = await fetch(`${keycloakUrl}/realms/demo/protocol/openid-connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "Basic " + Buffer.from("photo-print:photo-print-secret").toString("base64"),
    },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: `${photoPrintUrl}/callback` }),
  });
  expect(response.status).toBe(200);
  return (await response.json()).refresh_token;
}

async function refreshPhotoPrint(token: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${keycloakUrl}/realms/demo/protocol/openid-connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "Basic " + Buffer.from("photo-print:photo-print-secret").toString("base64"),
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }),
  });
  return { status: response.status, body: await response.json() };
}

function card(page: Page, name: string) {
  return page.getByRole("article", { name });
}

test("alice removes photo-print's access; backup-service and bob keep theirs; admin pages are refused", async ({ page, browser }) => {
  const aliceBackup = await backupServiceOfflineToken("alice");
  const bobBackup = await backupServiceOfflineToken("bob");
  const bobPhoto = await photoPrintOfflineToken(browser, "bob");
  const alicePhoto = await photoPrintOfflineToken(browser, "alice");
  await signIn(page, "demo", "alice", "alice", myApplications);

  const photo = card(page, "Photo Print");
  const backup = card(page, "Nightly backup");
  await expect(photo).toContainText("Third-party");
  await expect(photo).toContainText("can act for you while you are away");
  await expect(photo).toContainText("Offline Access");
  await expect(photo).toContainText("Access granted");
  await expect(backup).toContainText("Internal");
  await expect(backup).toContainText("can act for you while you are away");

  // By keyboard: the disclosure opens the confirmation dialog.
  await photo.locator("summary").focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("Photo Print can no longer act for you while you are away");
  await expect(dialog).toContainText("ask for your permission again");
  await dialog.getByRole("button", { name: "Remove access", exact: true }).click();

  await expect(page.getByRole("status")).toContainText("Access removed: Photo Print can no longer use your account.");
  await expect(photo).toHaveCount(0);
  await expect(backup).toBeVisible();
  const refused = await refreshPhotoPrint(alicePhoto);
  expect(refused.status).toBe(400);
  expect(refused.body.error).toBe("invalid_grant");
  expect((await refreshStatus(aliceBackup)).status).toBe(200);
  expect((await refreshPhotoPrint(bobPhoto)).status).toBe(200);
  expect((await refreshStatus(bobBackup)).status).toBe(200);

  const admin = await page.goto("/admin/demo/users");
  expect(admin?.status()).toBe(403);
  await expect(page.locator(".forbidden")).toContainText("realm administrators");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the list is server-rendered and removal works through the disclosure", async ({ page }) => {
    const heidiBackup = await backupServiceOfflineToken("heidi");
    await page.goto(`/auth/login?realm=demo&next=${encodeURIComponent(myApplications)}`);
    await page.locator("#username").fill("heidi");
    await page.locator("#password").fill("heidi");
    await page.locator("#kc-login").click();

    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My applications");
    const backup = card(page, "Nightly backup");
    await expect(backup).toContainText("can act for you while you are away");
    await backup.locator("summary").click();
    await expect(backup.locator(".remove-confirm")).toContainText("Nightly backup can no longer act for you while you are away");
    await backup.getByRole("button", { name: "Yes, remove access" }).click();

    await expect(page).toHaveURL(new RegExp(`${myApplications}$`));
    await expect(page.getByRole("status")).toContainText("Access removed");
    await expect(page.getByText("No application has access to your account.")).toBeVisible();
    expect((await refreshStatus(heidiBackup)).body.error).toBe("invalid_grant");
  });
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("grace, with no grants, reaches her page from /me and sees the empty state", async ({ page }) => {
    await page.goto("/me");
    await expect(page.getByLabel("Realm")).toBeVisible();
    await signIn(page, "demo", "grace", "grace", "/me");
    await expect(page).toHaveURL(new RegExp(`${myApplications}$`));
    await expect(page.getByText("No application has access to your account.")).toBeVisible();
    await expect(page.getByText("Offline Console (this console)")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
