/**
 * The accounts and settings bench/abuse needs, made in one process through the modules' faces (as
 * `porteiro users add`, `operators add`, `rollout org add` and `rollout settings` make them):
 * six CLI runs took half a minute on a busy 2-vCPU machine, and side by side they meet "database
 * is locked" on a new database. The organisation holds the plan (plan_org) and takes the reports
 * from outside it (default_org), as at an ISP's own installation.
 *
 *   node --import tsx bench/abuse/setup.ts DATA_DIR '{"users":[…],"operators":[…],"org":…}'
 */
import { changeSettings, createOrg, LOCAL_ADMIN } from "../../src/rollout/index.js";
import { openStore } from "../../src/store/index.js";
import { UserStore } from "../../src/submission/index.js";
import { OperatorStore, parseRole } from "../../src/web/index.js";

export interface SetupInput {
  readonly users: { address: string; password: string }[];
  readonly operators: { name: string; password: string; role: string }[];
  /**
   * The organisation whose plan this installation holds (help-form reports from the plan's space
   * go to it, by region) and where reports from outside the plan go.
   */
  readonly org: { id: string; name: string };
}

const [data, json] = process.argv.slice(2);
if (!data || !json) throw new Error("usage: setup.ts DATA_DIR JSON");
const input = JSON.parse(json) as SetupInput;
const store = openStore(data);
try {
  const users = new UserStore(store);
  for (const user of input.users) await users.add(user.address, user.password);
  const operators = new OperatorStore(store);
  for (const operator of input.operators)
    await operators.add(operator.name, operator.password, parseRole(operator.role));
  createOrg(store, LOCAL_ADMIN, { id: input.org.id, name: input.org.name, type: "isp", public: true });
  changeSettings(store, LOCAL_ADMIN, { plan_org: input.org.id, default_org: input.org.id });
} finally {
  store.close();
}
