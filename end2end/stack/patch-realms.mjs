// Copies realm exports into OUT_DIR with the offline-console client's redirect
// URIs and web origins pointed at CONSOLE_URL (the test port), plus the
// master administrator `historian` that only history.spec.ts uses.
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { addHostileNames } from "./hostile-names.mjs";

const [outDir, consoleUrl, ...files] = process.argv.slice(2);
for (const file of files) {
  const realm = JSON.parse(readFileSync(file, "utf8"));
  for (const client of realm.clients ?? []) {
    if (client.clientId === "offline-console") {
      client.redirectUris = [`${consoleUrl}/*`];
      client.webOrigins = [consoleUrl];
      client.attributes = { ...(client.attributes ?? {}), "post.logout.redirect.uris": `${consoleUrl}/*` };
    }
  }
  if (realm.realm === "demo") addHostileNames(realm);
  if (realm.realm === "master") {
    // history.spec.ts connects history (an offline grant for the console) as
    // this administrator, so no other spec's account gets that grant.
    realm.users = [
      ...(realm.users ?? []),
      {
        username: "historian",
        enabled: true,
        credentials: [{ type: "password", value: "historian", temporary: false }],
        realmRoles: ["admin", "default-roles-master"],
      },
    ];
  }
  writeFileSync(join(outDir, basename(file)), JSON.stringify(realm));
}
