// Drives a server with Keycloak's official admin client, unchanged, through the calls the
// offline console makes: keycloak-sim by default, a real Keycloak with KEYCLOAK_CONFORMANCE_URL,
// so the same assertions hold on both.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import KcAdminClient from "@keycloak/keycloak-admin-client";
import { startServer, createDemoRealm, offlineLogin, refresh } from "../support/sim.js";

const CLIENT_ID = "backup-service";
const CLIENT_SECRET = "backup-service-secret";

let sim;
let realm;
let REALM;
let admin;
let client;
let aliceToken;
let bobToken;

before(async () => {
  sim = await startServer();
  realm = await createDemoRealm(sim.baseUrl);
  REALM = realm.name;
  aliceToken = await offlineLogin(sim.baseUrl, REALM, CLIENT_ID, CLIENT_SECRET, "alice");
  bobToken = await offlineLogin(sim.baseUrl, REALM, CLIENT_ID, CLIENT_SECRET, "bob");
  admin = new KcAdminClient({ baseUrl: sim.baseUrl, realmName: "master" });
  await admin.auth({ username: "admin", password: "admin", grantType: "password", clientId: "admin-cli" });
  admin.setConfig({ realmName: REALM });
});

after(async () => {
  await realm?.remove();
  await sim?.stop();
});

test("authenticates as the master admin", () => {
  assert.equal(typeof admin.accessToken, "string");
  assert.ok(admin.accessToken.split(".").length === 3, "access token is a JWT");
});

test("finds a client by clientId (exact match, one element)", async () => {
  const found = await admin.clients.find({ clientId: CLIENT_ID });
  assert.equal(found.length, 1);
  client = found[0];
  assert.equal(client.clientId, CLIENT_ID);
  assert.match(client.id, /^[0-9a-f-]{36}$/);
  assert.equal(client.access.view, true);
  assert.equal(client.access.manage, true);
  const none = await admin.clients.find({ clientId: "backup" });
  assert.deepEqual(none, []);
});

test("lists the client's offline sessions and their count", async () => {
  const { count } = await admin.clients.getOfflineSessionCount({ id: client.id });
  assert.equal(count, 2);
  const sessions = await admin.clients.listOfflineSessions({ id: client.id, first: 0, max: 10 });
  assert.deepEqual(sessions.map((s) => s.username).sort(), ["alice", "bob"]);
  for (const session of sessions) {
    assert.equal(session.clients[client.id], CLIENT_ID);
    assert.ok(session.start > 1e12, "start is epoch milliseconds");
    assert.ok(session.lastAccess >= session.start);
    assert.equal(session.rememberMe, false);
  }
  const secondPage = await admin.clients.listOfflineSessions({ id: client.id, first: 1, max: 1 });
  assert.equal(secondPage.length, 1);
  assert.equal(secondPage[0].id, sessions[1].id);
});

test("lists and revokes a user's consents; the revoked offline token no longer refreshes", async () => {
  const [alice] = await admin.users.find({ username: "alice", exact: true });
  assert.equal(alice.username, "alice");
  const consents = await admin.users.listConsents({ id: alice.id });
  assert.deepEqual(consents, [
    {
      clientId: CLIENT_ID,
      grantedClientScopes: [],
      additionalGrants: [{ client: client.id, key: "Offline Token" }],
    },
  ]);
  await admin.users.revokeConsent({ id: alice.id, clientId: CLIENT_ID });
  assert.deepEqual(await admin.users.listConsents({ id: alice.id }), []);
  const refused = await refresh(sim.baseUrl, REALM, CLIENT_ID, CLIENT_SECRET, aliceToken.refresh_token);
  assert.equal(refused.status, 400);
  assert.deepEqual(refused.body, { error: "invalid_grant", error_description: "Offline user session not found" });
  await assert.rejects(admin.users.revokeConsent({ id: alice.id, clientId: CLIENT_ID }), (err) => {
    assert.equal(err.response.status, 404);
    return true;
  });
  assert.deepEqual(await admin.clients.getOfflineSessionCount({ id: client.id }), { count: 1 });
});

test("reads and updates the realm's offline settings; absent fields keep their values", async () => {
  const before = await admin.realms.findOne({ realm: REALM });
  assert.equal(before.offlineSessionIdleTimeout, 2592000);
  assert.equal(before.offlineSessionMaxLifespanEnabled, false);
  assert.equal(before.offlineSessionMaxLifespan, 5184000);
  await admin.realms.update(
    { realm: REALM },
    { offlineSessionIdleTimeout: 86400, offlineSessionMaxLifespanEnabled: true, offlineSessionMaxLifespan: 604800 },
  );
  const after = await admin.realms.findOne({ realm: REALM });
  assert.equal(after.offlineSessionIdleTimeout, 86400);
  assert.equal(after.offlineSessionMaxLifespanEnabled, true);
  assert.equal(after.offlineSessionMaxLifespan, 604800);
  assert.equal(after.accessTokenLifespan, before.accessTokenLifespan);
  assert.equal(after.ssoSessionIdleTimeout, before.ssoSessionIdleTimeout);
  assert.equal(after.realm, REALM);
});

test("deletes an offline session; its offline token no longer refreshes", async () => {
  const [session] = await admin.clients.listOfflineSessions({ id: client.id });
  assert.equal(session.username, "bob");
  await admin.realms.deleteSession({ realm: REALM, session: session.id, isOffline: true });
  assert.deepEqual(await admin.clients.getOfflineSessionCount({ id: client.id }), { count: 0 });
  assert.deepEqual(await admin.clients.listOfflineSessions({ id: client.id }), []);
  const refused = await refresh(sim.baseUrl, REALM, CLIENT_ID, CLIENT_SECRET, bobToken.refresh_token);
  assert.equal(refused.status, 400);
  assert.deepEqual(refused.body, { error: "invalid_grant", error_description: "Offline user session not found" });
});
