// A keep-alive HTTP client with a cookie jar per origin, timed in milliseconds.
import http from "node:http";

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One request; resolves to { status, headers, bytes (on the wire, not decoded), body, ms }. Never throws on HTTP errors. */
export function request(method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          bytes: chunks.reduce((n, c) => n + c.length, 0),
          body: Buffer.concat(chunks).toString("utf8"),
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Cookies per origin (a browser would also share them across ports; separate is enough here). */
export class CookieJar {
  #byOrigin = new Map();

  header(url) {
    const jar = this.#byOrigin.get(new URL(url).origin);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  }

  store(url, response) {
    const origin = new URL(url).origin;
    const jar = this.#byOrigin.get(origin) ?? new Map();
    for (const line of [response.headers["set-cookie"] ?? []].flat()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    this.#byOrigin.set(origin, jar);
  }

  async send(method, url, options = {}) {
    const cookie = this.header(url);
    const headers = { ...(options.headers ?? {}), ...(cookie ? { cookie } : {}) };
    const response = await request(method, url, { ...options, headers });
    this.store(url, response);
    return response;
  }
}

export function form(fields) {
  return new URLSearchParams(fields).toString();
}

const FORM = "application/x-www-form-urlencoded";

/** Signs in to the console through Keycloak's login form, as a browser does. */
export async function signIn(consoleUrl, realm, username, password) {
  const jar = new CookieJar();
  const start = await jar.send("GET", `${consoleUrl}/auth/login?realm=${realm}&next=/admin/${realm}`);
  expect(start, 303, "console login redirect");
  const authorize = start.headers.location;
  const page = await jar.send("GET", authorize);
  expect(page, 200, "Keycloak login form");
  const tag = page.body.slice(page.body.lastIndexOf("<form", page.body.indexOf('id="kc-form-login"')));
  const action = new URL(/action="([^"]+)"/.exec(tag)[1].replaceAll("&amp;", "&"), authorize).href;
  const answer = await jar.send("POST", action, {
    headers: { "content-type": FORM },
    body: form({ username, password }),
  });
  expect(answer, 302, "Keycloak redirect with a code");
  const done = await jar.send("GET", answer.headers.location);
  expect(done, 303, "console callback");
  if (!jar.header(consoleUrl).includes("oc_session=")) throw new Error("no oc_session cookie after sign-in");
  return jar;
}

/** A server-function call as the page's JavaScript makes it. */
export function callServerFn(jar, consoleUrl, endpoint, args) {
  return jar.send("POST", `${consoleUrl}/api/${endpoint}`, {
    headers: { "content-type": FORM, origin: consoleUrl },
    body: form(args),
  });
}

export function expect(response, status, what) {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status}: ${response.body.slice(0, 300)}`);
  }
}
