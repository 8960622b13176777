/** The SQLite flow store's own duties: batch ids applied once, and retention by whole days. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyMailFlow, HourlyAggregator, SqliteFlowStore } from "../../../src/flows/index.js";
import { openStore } from "../../../src/store/index.js";
import { tempDir } from "../../helpers/tmp.js";

const DAY = 86_400_000;
const START = Date.UTC(2027, 0, 4);

/** One flow from 192.0.2.1 to port 25 at each of the given times. */
function aggregatesAt(...times: number[]) {
  const aggregator = new HourlyAggregator();
  for (const at of times) {
    const flow = emptyMailFlow();
    Object.assign(flow, {
      srcV4: 0xc0000201,
      dstV4: 0xc6336401,
      flows: 1,
      packets: 3,
      bytes: 180,
      firstMs: at,
      lastMs: at,
    });
    aggregator.add(flow);
  }
  return aggregator.drain();
}

test("a batch id is applied once; retention removes whole days before the cut", async (t) => {
  const store = openStore(tempDir(t, "sqlite-flow-store"));
  t.after(() => store.close());
  const flows = new SqliteFlowStore(store);
  const batch = aggregatesAt(START + 3_600_000, START + DAY + 3_600_000, START + 2 * DAY + 3_600_000);
  await flows.write(batch, "run:1");
  await flows.write(batch, "run:1");
  assert.equal(await flows.flowCount(), 3);
  const before = await flows.version();
  assert.equal(await flows.expire(1, START + 2 * DAY + 12 * 3_600_000), "1 flow before 2027-01-05 removed");
  assert.equal(await flows.flowCount(), 2);
  assert.notEqual(await flows.version(), before);
});
