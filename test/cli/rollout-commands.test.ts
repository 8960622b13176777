import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { today } from "../../src/core/index.js";
import { tempDir } from "../helpers/tmp.js";
import { type CliResult, porteiro, STACK_LINE } from "./run.js";

/** `porteiro rollout ARGS --data DIR`, which must succeed. */
function rollout(data: string, ...args: string[]): string {
  const result = porteiro(["rollout", ...args, "--data", data]);
  assert.equal(result.status, 0, `${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** The same, refused: exit 1 and `message` as the one line on stderr, nothing on stdout. */
function refused(data: string, message: string, ...args: string[]): void {
  const result: CliResult = porteiro(["rollout", ...args, "--data", data]);
  assert.equal(result.status, 1, `${args.join(" ")}: ${result.stdout}`);
  assert.equal(result.stderr, `${message}\n`, args.join(" "));
  assert.equal(result.stdout, "");
  assert.doesNotMatch(result.stderr, STACK_LINE);
}

/** A data folder with organisation "isp" and region "sul". */
function programme(t: TestContext): string {
  const data = tempDir(t, "rollout-commands");
  rollout(data, "org", "add", "isp", "--name", "ISP", "--type", "isp");
  rollout(data, "region", "add", "sul", "--name", "Sul");
  return data;
}

test("rollout commitment add, list, set and remove; set changes only what it is given", (t) => {
  const data = programme(t);
  rollout(
    data,
    "document",
    "add",
    "--kind",
    "agreement",
    "--title",
    "Pledge",
    "--date",
    "2026-07-01",
    "--link",
    "https://example.org/p",
  );
  assert.equal(
    rollout(
      data,
      "commitment",
      "add",
      "--org",
      "isp",
      "--kind",
      "adoption_pct",
      "--target",
      "80",
      "--due",
      "2027-06-30",
      "--document",
      "1",
    ),
    "added commitment 1: isp adoption_pct 80% by 2027-06-30\n",
  );
  assert.equal(
    rollout(
      data,
      "commitment",
      "add",
      "--org",
      "isp",
      "--kind",
      "port25_blocked_region",
      "--region",
      "sul",
      "--due",
      "2026-12-01",
      "--private",
    ),
    "added commitment 2: isp port25_blocked_region in sul by 2026-12-01 (private)\n",
  );
  assert.equal(
    rollout(data, "commitment", "list", "--org", "isp", "--format", "csv"),
    "id,org_id,kind,region_id,target,due,document_id,public\n" +
      "2,isp,port25_blocked_region,sul,,2026-12-01,,false\n" +
      "1,isp,adoption_pct,,80,2027-06-30,1,true\n",
  );
  assert.equal(
    rollout(data, "commitment", "set", "1", "--due", "2027-09-30"),
    "changed commitment 1: isp adoption_pct 80% by 2027-09-30\n",
  );
  const json = () => JSON.parse(rollout(data, "commitment", "list", "--format", "json"));
  assert.deepEqual(json()[1], {
    id: 1,
    org_id: "isp",
    kind: "adoption_pct",
    region_id: null,
    target: 80,
    due: "2027-09-30",
    document_id: 1,
    public: true,
  });
  rollout(data, "commitment", "set", "1", "--no-document", "--private", "--target", "85");
  assert.deepEqual(
    json().map((c: { document_id: number | null; public: boolean; target: number | null }) => [
      c.document_id,
      c.public,
      c.target,
    ]),
    [
      [null, false, null],
      [null, false, 85],
    ],
  );
  refused(
    data,
    "nothing to change: give --target, --due, --document, --no-document, --public or --private",
    "commitment",
    "set",
    "1",
  );
  assert.equal(rollout(data, "commitment", "remove", "2"), "removed commitment 2\n");
  refused(data, "no commitment 2", "commitment", "remove", "2");
  assert.equal(
    rollout(data, "commitment", "list"),
    "id  org  kind          region  target  due         document  public\n" +
      "1   isp  adoption_pct  -       85%     2027-09-30  -         no\n",
  );
});

test("rollout document add stores a file from a path, get writes it back, set and remove", (t) => {
  const data = programme(t);
  const pdf = join(data, "resolution 1.pdf");
  writeFileSync(pdf, "%PDF-1.4\n%âãÏÓ\n");
  assert.equal(
    rollout(
      data,
      "document",
      "add",
      "--kind",
      "resolution",
      "--title",
      "Resolution 1",
      "--date",
      "2026-06-01",
      "--file",
      pdf,
    ),
    'added document 1: resolution "Resolution 1" of 2026-06-01, file resolution 1.pdf\n',
  );
  rollout(
    data,
    "document",
    "add",
    "--kind",
    "agreement",
    "--title",
    "Pledge",
    "--date",
    "2026-07-01",
    "--org",
    "isp",
    "--link",
    "https://example.org/p",
  );
  assert.equal(
    rollout(data, "document", "list", "--format", "csv"),
    "id,date,kind,org_id,public,file_name,link,title\n" +
      "1,2026-06-01,resolution,,true,resolution 1.pdf,,Resolution 1\n" +
      "2,2026-07-01,agreement,isp,true,,https://example.org/p,Pledge\n",
  );
  const toStdout = porteiro(["rollout", "document", "get", "1", "--out", "-", "--data", data]);
  assert.equal(toStdout.status, 0, toStdout.stderr);
  assert.equal(toStdout.stdout, readFileSync(pdf, "utf8"));
  const copy = join(data, "copy.pdf");
  assert.equal(
    rollout(data, "document", "get", "1", "--out", copy),
    `wrote ${copy} (19 bytes, application/pdf)\n`,
  );
  assert.deepEqual(readFileSync(copy), readFileSync(pdf));
  refused(data, `${copy} exists; give --out FILE`, "document", "get", "1", "--out", copy);
  refused(data, "document 2 has no stored file; it links to https://example.org/p", "document", "get", "2");

  assert.equal(
    rollout(data, "document", "set", "2", "--title", "Signed pledge", "--private"),
    'changed document 2: agreement "Signed pledge" of 2026-07-01 by isp (private)\n',
  );
  const [, pledge] = JSON.parse(rollout(data, "document", "list", "--format", "json"));
  assert.equal(pledge.link, "https://example.org/p", "the link, which set did not name, stays");
  refused(data, 'unknown organisation "agency"', "document", "set", "2", "--org", "agency");

  const note = join(data, "note.md");
  writeFileSync(note, "# Note\n");
  refused(
    data,
    `${note}: give its media type with --type (e.g. application/pdf)`,
    "document",
    "add",
    "--kind",
    "technical-note",
    "--title",
    "Note",
    "--date",
    "2026-07-02",
    "--file",
    note,
  );
  refused(
    data,
    "give --link URL, --file PATH or both",
    "document",
    "add",
    "--kind",
    "technical-note",
    "--title",
    "Note",
    "--date",
    "2026-07-02",
  );
  assert.equal(rollout(data, "document", "remove", "1"), "removed document 1\n");
  refused(data, "no document 1", "document", "get", "1");
});

test("rollout noise add, list, set and remove; the day defaults to today", (t) => {
  const data = programme(t);
  assert.equal(
    rollout(
      data,
      "noise",
      "add",
      "--org",
      "isp",
      "--region",
      "sul",
      "--day",
      "2026-12-02",
      "--category",
      "cannot-send",
      "--note",
      "Outlook, port 25",
    ),
    "recorded noise 1: isp in sul on 2026-12-02, cannot-send (open)\n",
  );
  rollout(data, "noise", "add", "--org", "isp", "--category", "misinformed", "--resolution", "not-related");
  assert.equal(
    rollout(data, "noise", "list", "--format", "csv"),
    "id,day,org_id,region_id,category,resolution,source,recorded_by,note\n" +
      '1,2026-12-02,isp,sul,cannot-send,open,help-desk,cli,"Outlook, port 25"\n' +
      `2,${today()},isp,,misinformed,not-related,help-desk,cli,\n`,
  );
  assert.equal(
    rollout(data, "noise", "set", "1", "--resolution", "reconfigured"),
    "changed noise 1: isp in sul on 2026-12-02, cannot-send (reconfigured)\n",
  );
  assert.equal(JSON.parse(rollout(data, "noise", "list", "--format", "json"))[0].note, "Outlook, port 25");
  assert.equal(
    rollout(data, "noise", "set", "1", "--no-region", "--no-note"),
    "changed noise 1: isp on 2026-12-02, cannot-send (reconfigured)\n",
  );
  assert.equal(rollout(data, "noise", "remove", "2"), "removed noise 2\n");
  assert.equal(
    rollout(data, "noise", "list"),
    "id  day         org  region  category     resolution    source     recorded by  note\n" +
      "1   2026-12-02  isp  -       cannot-send  reconfigured  help-desk  cli          -\n",
  );
  assert.equal(rollout(data, "noise", "list", "--org", "other"), "no noise recorded\n");
  refused(
    data,
    "nothing to change: give --resolution, --region, --no-region, --note or --no-note",
    "noise",
    "set",
    "1",
  );
});

test("a rollout write naming an unknown organisation, region, document or login says which, in one line", (t) => {
  const data = programme(t);
  refused(
    data,
    'unknown organisation "nowhere"',
    "person",
    "add",
    "Ana",
    "--role",
    "org-admin",
    "--org",
    "nowhere",
  );
  refused(
    data,
    'unknown operator account "ghost"',
    "person",
    "add",
    "Ana",
    "--role",
    "org-admin",
    "--org",
    "isp",
    "--login",
    "ghost",
  );
  refused(
    data,
    'unknown region "norte"',
    "commitment",
    "add",
    "--org",
    "isp",
    "--kind",
    "port25_blocked_region",
    "--region",
    "norte",
    "--due",
    "2027-01-01",
  );
  refused(
    data,
    "unknown document 9",
    "commitment",
    "add",
    "--org",
    "isp",
    "--kind",
    "submission_offered",
    "--due",
    "2027-01-01",
    "--document",
    "9",
  );
  refused(data, 'unknown organisation "csirt"', "settings", "--default-org", "csirt");
  refused(data, "region sul already exists", "region", "add", "sul", "--name", "Sul");
  assert.equal(rollout(data, "commitment", "list"), "no commitments\n", "nothing was written");
});
