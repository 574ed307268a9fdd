// The bench realm on a real Keycloak: clients and users through the admin API, then offline
// sessions the way applications get them, through the token endpoint.
import { expect, form, request } from "../http.mjs";

export const REALM = "bench";
export const PASSWORD = "bench-password";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** An access token of master's `admin`, as a script using the admin API holds one. */
export async function masterToken(kc) {
  const r = await request("POST", `${kc}/realms/master/protocol/openid-connect/token`, {
    headers: FORM,
    body: form({ grant_type: "password", client_id: "admin-cli", username: "admin", password: "admin" }),
  });
  expect(r, 200, "master admin token");
  return JSON.parse(r.body).access_token;
}

export const clientIdOf = (sessions) => `bench-${sessions}`;
export const secretOf = (sessions) => `bench-${sessions}-secret`;
export const usernameOf = (i) => `bench-user-${String(i).padStart(4, "0")}`;

/**
 * Creates the bench realm: one confidential client per size (password grant on, offline_access
 * an optional scope as by default) and `users` users. Hashing costs one PBKDF2 iteration, so a
 * grant measures Keycloak's session work rather than password hashing. Browser sessions last
 * two minutes: the grants' regular sessions are gone by the time anything is measured, and the
 * offline sessions stay (30 days of idle time, Keycloak's default).
 */
export async function createRealm(kc, sizes, users) {
  const realm = {
    realm: REALM,
    enabled: true,
    sslRequired: "none",
    passwordPolicy: "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)",
    ssoSessionIdleTimeout: 120,
    ssoSessionMaxLifespan: 300,
    clients: sizes.map((sessions) => ({
      clientId: clientIdOf(sessions),
      name: `Bench client with ${sessions} offline sessions`,
      enabled: true,
      publicClient: false,
      secret: secretOf(sessions),
      standardFlowEnabled: false,
      directAccessGrantsEnabled: true,
    })),
    users: Array.from({ length: users }, (_, i) => ({
      username: usernameOf(i),
      email: `${usernameOf(i)}@bench.example`,
      firstName: "Bench",
      lastName: `User ${i}`,
      enabled: true,
      emailVerified: true,
      credentials: [{ type: "password", value: PASSWORD, temporary: false }],
      // Users in a new realm's representation do not get the default roles by themselves.
      realmRoles: [`default-roles-${REALM}`],
    })),
  };
  const r = await request("POST", `${kc}/admin/realms`, {
    headers: { authorization: `Bearer ${await masterToken(kc)}`, "content-type": "application/json" },
    body: JSON.stringify(realm),
  });
  expect(r, 201, "creating the bench realm");
}

/** The internal id of the bench client of `sessions`. */
export async function clientUuid(kc, token, sessions) {
  const r = await request("GET", `${kc}/admin/realms/${REALM}/clients?clientId=${clientIdOf(sessions)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(r, 200, `looking up ${clientIdOf(sessions)}`);
  return JSON.parse(r.body)[0].id;
}

export async function offlineCount(kc, token, uuid) {
  const r = await request("GET", `${kc}/admin/realms/${REALM}/clients/${uuid}/offline-session-count`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(r, 200, "offline session count");
  return JSON.parse(r.body).count;
}

/**
 * `sessions` password grants with `scope=offline_access` for the client of `size`, spread over
 * `users` users (one user holds many offline sessions), `concurrency` at a time. Stops early at
 * `deadline` (ms since the epoch). Resolves to the grants that succeeded and how long they took.
 */
export async function grantOfflineSessions(kc, { size, sessions, users, concurrency, deadline }) {
  const url = `${kc}/realms/${REALM}/protocol/openid-connect/token`;
  let next = 0;
  let granted = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < sessions && Date.now() < deadline) {
      const i = next++;
      const r = await request("POST", url, {
        headers: FORM,
        body: form({
          grant_type: "password",
          client_id: clientIdOf(size),
          client_secret: secretOf(size),
          username: usernameOf(i % users),
          password: PASSWORD,
          scope: "offline_access",
        }),
      });
      expect(r, 200, `offline grant ${i} for ${clientIdOf(size)}`);
      granted++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { granted, ms: Date.now() - started };
}
