// The server the compatibility test drives: a real Keycloak at KEYCLOAK_CONFORMANCE_URL, or the
// keycloak-sim binary started on a free port. Either way the test gets a realm of its own,
// made from realms/demo.json through the admin API and deleted afterwards.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { readFile } from "node:fs/promises";

const crateDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The server under test: resolves with its base URL and a stop function. */
export async function startServer() {
  const url = process.env.KEYCLOAK_CONFORMANCE_URL;
  if (url) return { baseUrl: url.replace(/\/$/, ""), stop: async () => {} };
  return startSim();
}

async function masterAdminToken(baseUrl) {
  const response = await fetch(`${baseUrl}/realms/master/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", client_id: "admin-cli", username: "admin", password: "admin" }),
  });
  if (response.status !== 200) throw new Error(`master admin token: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}

/** Creates a realm from realms/demo.json under a fresh name; resolves with the name and a delete function. */
export async function createDemoRealm(baseUrl) {
  const name = `compat-${Math.random().toString(16).slice(2, 10)}`;
  const text = (await readFile(path.join(crateDir, "realms/demo.json"), "utf8")).replaceAll("default-roles-demo", `default-roles-${name}`);
  const realm = { ...JSON.parse(text), realm: name };
  const response = await fetch(`${baseUrl}/admin/realms`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await masterAdminToken(baseUrl)}` },
    body: JSON.stringify(realm),
  });
  if (response.status !== 201) throw new Error(`creating realm ${name}: ${response.status} ${await response.text()}`);
  const remove = async () => {
    await fetch(`${baseUrl}/admin/realms/${name}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${await masterAdminToken(baseUrl)}` },
    });
  };
  return { name, remove };
}

/** Spawns the simulator with the demo realms; resolves with its base URL and a stop function. */
async function startSim() {
  const binary = process.env.KEYCLOAK_SIM_BIN;
  if (!binary) throw new Error("KEYCLOAK_SIM_BIN must point at the built keycloak-sim binary (see run.sh)");
  const child = spawn(
    binary,
    [
      "--port", "0",
      "--import", path.join(crateDir, "realms/master.json"),
      "--import", path.join(crateDir, "realms/demo.json"),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const baseUrl = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`keycloak-sim exited early with code ${code}`)));
    lines.once("line", (line) => {
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match) resolve(match[1]);
      else reject(new Error(`unexpected first line from keycloak-sim: ${line}`));
    });
  });
  child.removeAllListeners("exit");
  const stop = () =>
    new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGTERM");
    });
  return { baseUrl, stop };
}

/** Password grant with offline_access for a confidential client; returns the token response. */
export async function offlineLogin(baseUrl, realm, clientId, clientSecret, username) {
  const response = await fetch(`${baseUrl}/realms/${realm}/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "password",
      client_id: clientId,
      client_secret: clientSecret,
      username,
      password: username,
      scope: "offline_access",
    }),
  });
  if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Refresh grant; returns the HTTP status and JSON body. */
export async function refresh(baseUrl, realm, clientId, clientSecret, refreshToken) {
  const response = await fetch(`${baseUrl}/realms/${realm}/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: refreshToken,
    }),
  });
  return { status: response.status, body: await response.json() };
}
