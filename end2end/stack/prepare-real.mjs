// Prepares a real Keycloak 26 for the Playwright suite, as keycloak-sim's start does for the
// simulator: a fresh demo realm from the patched export in OUT_DIR, master's offline-console
// client pointed at CONSOLE_URL, and the master users the specs sign in as without grants or
// sessions left by an earlier run. Usage: node prepare-real.mjs OUT_DIR CONSOLE_URL KEYCLOAK_URL
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [outDir, consoleUrl, keycloakUrl] = process.argv.slice(2);

async function call(method, path, token, body) {
  const response = await fetch(`${keycloakUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok && response.status !== 404) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.status === 200 ? response.json() : null;
}

const tokenAnswer = await fetch(`${keycloakUrl}/realms/master/protocol/openid-connect/token`, {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ grant_type: "password", client_id: "admin-cli", username: "admin", password: "admin" }),
});
if (tokenAnswer.status !== 200) throw new Error(`admin token: ${tokenAnswer.status} ${await tokenAnswer.text()}`);
const token = (await tokenAnswer.json()).access_token;

await call("DELETE", "/admin/realms/demo", token);
const demo = JSON.parse(readFileSync(join(outDir, "demo.json"), "utf8"));
// Hashing is the slow part of a sign-in on a real server; the specs sign in a lot.
demo.passwordPolicy = "hashIterations(1)";
await call("POST", "/admin/realms", token, demo);
// The hostile names of xss.spec.ts arrive as from an old import, which Keycloak does not
// validate; a sign-in does, so the realm's user profile stops refusing their characters.
const profile = await call("GET", "/admin/realms/demo/users/profile", token);
for (const attribute of profile.attributes) {
  for (const validator of ["username-prohibited-characters", "person-name-prohibited-characters", "up-username-not-idn-homograph"]) {
    delete attribute.validations?.[validator];
  }
}
await call("PUT", "/admin/realms/demo/users/profile", token, profile);

const master = JSON.parse(readFileSync(join(outDir, "master.json"), "utf8"));
const [client] = await call("GET", "/admin/realms/master/clients?clientId=offline-console", token);
const wanted = master.clients.find((c) => c.clientId === "offline-console");
await call("PUT", `/admin/realms/master/clients/${client.id}`, token, {
  ...client,
  redirectUris: wanted.redirectUris,
  webOrigins: wanted.webOrigins,
  attributes: { ...client.attributes, "post.logout.redirect.uris": `${consoleUrl}/*` },
});
for (const wantedUser of master.users.filter((u) => u.username !== "admin")) {
  const [existing] = await call("GET", `/admin/realms/master/users?username=${encodeURIComponent(wantedUser.username)}&exact=true`, token);
  if (existing) await call("DELETE", `/admin/realms/master/users/${existing.id}`, token);
  await call("POST", "/admin/realms/master/users", token, {
    username: wantedUser.username,
    enabled: true,
    // Keycloak's user profile requires an email before a user may sign in.
    email: wantedUser.email ?? `${wantedUser.username}@example.test`,
    firstName: wantedUser.firstName ?? wantedUser.username,
    lastName: wantedUser.lastName ?? "Admin",
    emailVerified: true,
    credentials: wantedUser.credentials,
  });
  const [created] = await call("GET", `/admin/realms/master/users?username=${encodeURIComponent(wantedUser.username)}&exact=true`, token);
  const roles = [];
  for (const name of wantedUser.realmRoles ?? []) roles.push(await call("GET", `/admin/realms/master/roles/${encodeURIComponent(name)}`, token));
  if (roles.length) await call("POST", `/admin/realms/master/users/${created.id}/role-mappings/realm`, token, roles);
}
const [admin] = await call("GET", "/admin/realms/master/users?username=admin&exact=true", token);
await call("DELETE", `/admin/realms/master/users/${admin.id}/consents/offline-console`, token);
await call("POST", `/admin/realms/master/users/${admin.id}/logout`, token);
