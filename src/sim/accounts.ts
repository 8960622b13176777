/**
 * A few submission accounts for the console's submission page: subscribers who moved to 587,
 * a small business sending as its whole domain, and one account held for a burst of mail as a
 * stolen password would cause, for an operator to release or drop. Passwords are random and not
 * kept: the demo has nobody to log in as them.
 */
import { randomBytes } from "node:crypto";
import type { Store } from "../store/index.js";
import { UserStore } from "../submission/index.js";
import { ISP } from "./isp.js";

const ACCOUNTS: readonly {
  readonly local: string;
  readonly senders?: readonly string[];
  readonly hold?: string;
}[] = [
  { local: "ana.souza" },
  { local: "bruno.lima" },
  { local: "carla.mendes" },
  { local: "padaria-central", senders: ["*@padaria-central.example"] },
  { local: "joao.pereira", hold: "412 recipients in one hour (limit 200): password probably stolen" },
];

export async function seedAccounts(store: Store): Promise<number> {
  const users = new UserStore(store);
  let added = 0;
  for (const account of ACCOUNTS) {
    const address = `${account.local}@${ISP.domain}`;
    if (users.get(address)) continue;
    await users.add(address, randomBytes(18).toString("base64url"), account.senders ?? []);
    if (account.hold) users.hold(address, account.hold);
    added++;
  }
  return added;
}
