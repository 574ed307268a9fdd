// Starts the keycloak-sim binary on a free port and stops it after the tests.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import path from "node:path";

const crateDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Spawns the simulator with the demo realms; resolves with its base URL and a stop function. */
export async function startSim() {
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
