// A user and a client whose names are markup, added to the demo realm by
// patch-realms.mjs and looked for by tests/xss.spec.ts.

/** Markup payloads for xss.spec.ts: a user and a client whose names are HTML and script. */
export const XSS = {
  username: "<img src=x onerror=window.__xss=1>",
  firstName: '"><script>window.__xss=1</script>',
  lastName: "<svg onload=window.__xss=1>",
  clientId: '"><img src=x onerror=window.__xss=1>',
  clientName: "<script>window.__xss=1</script>",
  description: "javascript:window.__xss=1 <a href=javascript:window.__xss=1>x</a>",
  // Keycloak refuses javascript: and data: URLs on a client (import or save); a link it takes
  // that is not a web address must still not become a link.
  rootUrl: "ftp://files.example/",
};

// A realm import is not checked by Keycloak's user-profile validators, so
// names a form would refuse can only arrive this way (as from an old import).
export function addHostileNames(realm) {
  realm.users.push({
    username: XSS.username,
    enabled: true,
    firstName: XSS.firstName,
    lastName: XSS.lastName,
    email: "hostile@example.test",
    credentials: [{ type: "password", value: "xss-password", temporary: false }],
    realmRoles: ["default-roles-demo"],
  });
  realm.clients.push({
    clientId: XSS.clientId,
    name: XSS.clientName,
    description: XSS.description,
    rootUrl: XSS.rootUrl,
    baseUrl: XSS.rootUrl,
    enabled: true,
    publicClient: false,
    secret: "xss-client-secret",
    standardFlowEnabled: false,
    directAccessGrantsEnabled: true,
    protocol: "openid-connect",
  });
}
