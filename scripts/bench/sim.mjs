// keycloak-sim as the benchmarks prepare it: seeded offline sessions, an admin token, client ids.
import { expect, form, request } from "./http.mjs";

/** Seeds `sessions` users (`prefix`0, `prefix`1, …), each with one offline session of `client`. */
export async function seedOfflineSessions(simUrl, realm, { client, sessions, prefix }) {
  const r = await request("POST", `${simUrl}/_sim/realms/${realm}/seed`, {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ users: sessions, prefix, offlineClients: [client] }),
  });
  expect(r, 200, `seeding ${client}`);
}

/** An admin access token straight from Keycloak, as a script using the admin API would hold. */
export async function adminToken(simUrl, realm) {
  const r = await request("POST", `${simUrl}/realms/${realm}/protocol/openid-connect/token`, {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form({ grant_type: "password", client_id: "admin-cli", username: "realmadmin", password: "realmadmin" }),
  });
  expect(r, 200, "admin token");
  return JSON.parse(r.body).access_token;
}

/** The internal id of the client whose clientId is `clientId`. */
export async function clientUuid(simUrl, realm, clientId, token) {
  const r = await request("GET", `${simUrl}/admin/realms/${realm}/clients?clientId=${clientId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(r, 200, `looking up ${clientId}`);
  return JSON.parse(r.body)[0].id;
}
