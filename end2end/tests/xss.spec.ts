import { expect, Page, test } from "@playwright/test";
import { open, signIn, keycloakUrl } from "./helpers";
import { XSS } from "../stack/hostile-names.mjs";

// The demo realm carries a user and a client whose names are markup
// (stack/patch-realms.mjs). Every page that shows them must show the text,
// run none of it and open no dialog.

/** Fails the test if any payload ran: a dialog opened or `window.__xss` was set. */
function watchForScript(page: Page) {
  const dialogs: string[] = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  return async () => {
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
  };
}

/** An offline token of the hostile user for the hostile client, so both show up in session lists. */
async function hostileOfflineSession() {
  const response = await fetch(`${keycloakUrl}/realms/demo/protocol/openid-connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "Basic " + Buffer.from(`${encodeURIComponent(XSS.clientId)}:xss-client-secret`).toString("base64"),
    },
    body: new URLSearchParams({ grant_type: "password", username: XSS.username, password: "xss-password", scope: "offline_access" }),
  });
  expect(response.status).toBe(200);
}

test("markup in user and client names is shown as text on every admin page", async ({ page }) => {
  await hostileOfflineSession();
  const noScriptRan = watchForScript(page);
  await signIn(page, "demo", "realmadmin");

  await open(page, `/admin/demo/users?search=${encodeURIComponent("*onerror*")}`);
  await expect(page.getByText(XSS.username, { exact: false }).first()).toBeVisible();
  await expect(page.getByText(XSS.firstName, { exact: false }).first()).toBeVisible();
  await expect(page.getByText(XSS.lastName, { exact: false }).first()).toBeVisible();
  await noScriptRan();

  await page.getByRole("link", { name: XSS.username }).first().click();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("heading", { name: XSS.username, exact: true })).toBeVisible();
  await expect(page.getByText(XSS.clientId, { exact: false }).first()).toBeVisible();
  await noScriptRan();

  await open(page, `/admin/demo/clients?search=${encodeURIComponent("onerror")}`);
  await expect(page.getByText(XSS.clientId, { exact: false }).first()).toBeVisible();
  await noScriptRan();

  await page.getByRole("link", { name: XSS.clientId }).first().click();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByText(XSS.username, { exact: false }).first()).toBeVisible();
  await noScriptRan();

  await open(page, "/admin/demo");
  await noScriptRan();

  // Revoking the client's consent puts the clientId into the audit log.
  const userPage = `/admin/demo/users?search=${encodeURIComponent("*onerror*")}`;
  await open(page, userPage);
  await page.getByRole("link", { name: XSS.username }).first().click();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByRole("button", { name: "Revoke…" }).first().click();
  await expect(page.getByRole("alertdialog")).toContainText(XSS.clientId);
  await noScriptRan();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke consent and offline tokens" }).click();
  await expect(page.getByText("Access revoked")).toBeVisible();

  await open(page, "/audit");
  await expect(page.getByText(XSS.clientId, { exact: false }).first()).toBeVisible();
  await noScriptRan();

  // No link carries a javascript: URL.
  const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  expect(hrefs.filter((href) => href.trim().toLowerCase().startsWith("javascript:"))).toEqual([]);
});

test("markup in a client's name and description is shown as text on the self-service page", async ({ page }) => {
  await hostileOfflineSession();
  const noScriptRan = watchForScript(page);
  await signIn(page, "demo", XSS.username, "xss-password", "/realms/demo/my-applications");
  await expect(page.getByText(XSS.clientName, { exact: false }).first()).toBeVisible();
  await noScriptRan();
  const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  expect(hrefs.filter((href) => href.trim().toLowerCase().startsWith("javascript:"))).toEqual([]);
});
