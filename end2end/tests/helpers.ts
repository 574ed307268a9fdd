import { expect, Page } from "@playwright/test";

export const simUrl = `http://127.0.0.1:${process.env.E2E_SIM_PORT ?? 18180}`;

/** Signs in through the simulator's Keycloak-compatible login form. */
export async function signIn(page: Page, realm: string, username: string, password = username, next = `/admin/${realm}`) {
  await page.goto(`/auth/login?realm=${encodeURIComponent(realm)}&next=${encodeURIComponent(next)}`);
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(password);
  await page.locator("#kc-login").click();
  await expect(page.locator(".viewer-name")).toHaveText(username);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}

/** A full page load, then wait until the page is interactive. */
export async function open(page: Page, url: string) {
  const response = await page.goto(url);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  return response;
}

/** An offline token for `username` from backup-service, as its nightly job would get one. */
export async function backupServiceOfflineToken(username: string): Promise<string> {
  const response = await fetch(`${simUrl}/realms/demo/protocol/openid-connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "Basic " + Buffer.from("backup-service:backup-service-secret").toString("base64"),
    },
    body: new URLSearchParams({ grant_type: "password", username, password: username, scope: "offline_access" }),
  });
  expect(response.status).toBe(200);
  return (await response.json()).refresh_token;
}

export async function refreshStatus(token: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${simUrl}/realms/demo/protocol/openid-connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "Basic " + Buffer.from("backup-service:backup-service-secret").toString("base64"),
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }),
  });
  return { status: response.status, body: await response.json() };
}
