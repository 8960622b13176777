import assert from "node:assert/strict";
import { test } from "node:test";
import { authConfigSchema } from "../../../src/submission/auth/index.js";

function problems(auth: Record<string, unknown>): string[] {
  const result = authConfigSchema.safeParse(auth);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

test("backend ldap needs an ldaps:// or ldap:// (StartTLS) URL, a way to find the user's DN, and bind_dn with its password file", () => {
  const ldap = { backend: "ldap", url: "ldaps://ldap.example.net" };
  assert.deepEqual(problems({ ...ldap, bind_dn_template: "uid={local},ou=people,dc=example,dc=net" }), []);
  assert.deepEqual(
    problems({ ...ldap, search_base: "dc=example,dc=net", search_filter: "(uid={user})" }),
    [],
  );
  // ldap:// is upgraded with StartTLS; anything else, or a path, is refused.
  assert.deepEqual(
    problems({ ...ldap, url: "ldap://ldap.example.net", search_base: "dc=example,dc=net" }),
    [],
  );
  assert.deepEqual(problems({ ...ldap, url: "ldapi://%2Frun%2Fslapd", search_base: "dc=example,dc=net" }), [
    "url: an ldaps:// URL, or ldap:// (then upgraded with StartTLS): the password crosses to the directory",
  ]);
  assert.deepEqual(problems(ldap), ["bind_dn_template: backend ldap needs bind_dn_template or search_base"]);
  assert.deepEqual(problems({ ...ldap, bind_dn_template: "uid={domain},ou=people" }), [
    "bind_dn_template: names the login: {user} (as typed) or {local} (before its @)",
  ]);
  assert.deepEqual(
    problems({ ...ldap, search_base: "dc=example,dc=net", bind_dn: "cn=porteiro,dc=example,dc=net" }),
    ["bind_dn: bind_dn and bind_password_file go together"],
  );
});
