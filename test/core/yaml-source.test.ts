import assert from "node:assert/strict";
import { test } from "node:test";
import { DiagnosticsError, parseYamlSource } from "../../src/core/index.js";

/** Each level's list names the level below nine times: 9^9 values from a few hundred bytes. */
function aliasBomb(levels = 9): string {
  const lines = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (let level = 1; level < levels; level++) {
    const below = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${below}`).join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
}

test("an alias bomb is a file:line diagnostic at its first alias, not an expansion", () => {
  assert.throws(
    () => parseYamlSource(`isp: { name: X }\n${aliasBomb()}`, "plan.yaml"),
    (error: unknown) => {
      assert.ok(error instanceof DiagnosticsError);
      assert.equal(error.diagnostics[0]?.file, "plan.yaml");
      assert.equal(error.diagnostics[0]?.line, 3);
      assert.match(error.diagnostics[0]?.message ?? "", /aliases expand to too many values/);
      return true;
    },
  );
});

test("a few aliases, as a real plan uses them, still load", () => {
  const source = parseYamlSource("base: &base { kind: dynamic }\none: *base\ntwo: *base\n", "plan.yaml");
  assert.deepEqual(source.value, {
    base: { kind: "dynamic" },
    one: { kind: "dynamic" },
    two: { kind: "dynamic" },
  });
});
