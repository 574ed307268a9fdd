import { expect, Page } from "@playwright/test";

/** The Keycloak under test: keycloak-sim (started by stack/start.sh), or a real Keycloak 26. */
export const realKeycloak = process.env.E2E_KEYCLOAK === "real";
export const keycloakUrl = realKeycloak
  ? process.env.E2E_KEYCLOAK_URL!
  : `http://127.0.0.1:${process.env.E2E_SIM_PORT ?? 18180}`;

/** A master-realm admin token for Keycloak's admin API. */
export async function adminToken(): Promise<string> {
  const response = await fetch(`${keycloakUrl}/realms/master/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", client_id: "admin-cli", username: "admin", password: "admin" }),
  });
  expect(response.status).toBe(200);
  return (await response.json()).access_token;
}

/** Users `<prefix>1..n`, each with an offline session of backup-service: keycloak-sim's seeding
 * API, or on a real Keycloak the admin API and the token endpoint, as applications get them. */
export async function seedSessions(prefix: string, users: number) {
  if (!realKeycloak) {
    const response = await fetch(`${keycloakUrl}/_sim/realms/demo/seed`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ users, prefix, offlineClients: ["backup-service"] }),
    });
    expect(response.status).toBe(200);
    return;
  }
  const token = await adminToken();
  for (let n = 1; n <= users; n++) {
    const username = `${prefix}${n}`.toLowerCase();
    const created = await fetch(`${keycloakUrl}/admin/realms/demo/users`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        username,
        enabled: true,
        email: `${username}@example.test`,
        firstName: username,
        lastName: "Seeded",
        credentials: [{ type: "password", value: username, temporary: false }],
      }),
    });
    expect(created.status).toBe(201);
    await backupServiceOfflineToken(username);
  }
}

/** Signs in through Keycloak's login form (the simulator's has the same ids). */
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
  const response = await fetch(`${keycloakUrl}/realms/demo/protocol/openid-connect/token`, {
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
  const response = await fetch(`${keycloakUrl}/realms/demo/protocol/openid-connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "Basic " + Buffer.from("backup-service:backup-service-secret").toString("base64"),
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }),
  });
  return { status: response.status, body: await response.json() };
}
