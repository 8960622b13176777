import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { EqualityFilter, FilterParser } from "ldapts";
import {
  escapeDnValue,
  escapeFilterValue,
  fillTemplate,
  namesLogin,
} from "../../../src/submission/auth/ldap-template.js";

/** Any login a client could send, weighted towards LDAP's special characters. */
const login = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...'*()\\\0,+"<>;=# @'.split("")),
    fc.string({ minLength: 1, maxLength: 1, unit: "grapheme" }),
  ),
  maxLength: 24,
});

/**
 * An RFC 4514 attribute value read back: `\` then two hex digits is a byte, `\` then a special
 * character is that character; anything else must be a plain character. Throws on a character
 * the RFC says must be escaped standing bare.
 */
function readDnValue(text: string): string {
  const bytes: number[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "\\") {
      const hex = chars.slice(i + 1, i + 3).join("");
      assert.match(hex, /^[0-9a-f]{2}$/i, `escape at ${i} in ${JSON.stringify(text)}`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
      continue;
    }
    assert.ok(!',+"<>;=\0'.includes(c), `bare ${JSON.stringify(c)} in ${JSON.stringify(text)}`);
    assert.ok(!(i === 0 && (c === " " || c === "#")), `leading ${JSON.stringify(c)}`);
    assert.ok(!(i === chars.length - 1 && c === " "), "trailing space");
    bytes.push(...Buffer.from(c, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

test("a login in a DN is one attribute value that reads back as the login (RFC 4514)", () => {
  fc.assert(fc.property(login, (value) => assert.equal(readDnValue(escapeDnValue(value)), value)));
  assert.equal(escapeDnValue("ana,ou=admins"), "ana\\2cou\\3dadmins");
  assert.equal(escapeDnValue(" #x "), "\\20#x\\20");
});

test("a login in a filter is one assertion value that parses back as the login (RFC 4515)", () => {
  fc.assert(
    fc.property(login, (value) => {
      const filter = FilterParser.parseString(`(mail=${escapeFilterValue(value)})`);
      assert.ok(filter instanceof EqualityFilter, `${filter.toString()} is not one equality`);
      assert.equal(filter.attribute, "mail");
      assert.equal(filter.value.toString(), value);
    }),
  );
});

test("placeholders take the login, its local part and its domain, each escaped once", () => {
  const template = "(&(uid={local})(o={domain})(mail={user}))";
  assert.equal(
    fillTemplate(template, "a*b@example.net", escapeFilterValue),
    "(&(uid=a\\2ab)(o=example.net)(mail=a\\2ab@example.net))",
  );
  assert.equal(fillTemplate("uid={local},dc={domain}", "ana", escapeDnValue), "uid=ana,dc=");
  // A login spelling a placeholder is text, not another substitution.
  assert.equal(fillTemplate("uid={user}", "{domain}@x", escapeDnValue), "uid={domain}@x");
  assert.ok(namesLogin("uid={local},ou=people") && namesLogin("(mail={user})"));
  assert.ok(!namesLogin("(o={domain})"));
});
