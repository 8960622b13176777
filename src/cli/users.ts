import type { Command } from "commander";
import { readText } from "../plan/index.js";
import { openExistingStore, openStore, type Store } from "../store/index.js";
import { parsePasswdFile, UserStore } from "../submission/index.js";
import { dataDir } from "./config.js";
import { outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, table, toJson } from "./output.js";
import { readPassword } from "./stdin.js";
import { type StoreOptions, storeOptions } from "./store-options.js";

/** Works on existing accounts: a store that is not there is an error, not made. */
function withUsers<T>(options: StoreOptions, work: (users: UserStore) => T): T {
  const db = openExistingStore(dataDir(options));
  try {
    return work(new UserStore(db));
  } finally {
    db.close();
  }
}

/** `withUsers` for work that waits; `add` passes openStore to make the store on first use. */
async function withUsersAsync<T>(
  options: StoreOptions,
  work: (users: UserStore) => Promise<T>,
  open: (dir: string) => Store = openExistingStore,
): Promise<T> {
  const db = open(dataDir(options));
  try {
    return await work(new UserStore(db));
  } finally {
    db.close();
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerUsersCommands(program: Command): void {
  const users = program
    .command("users")
    .description("submission accounts: who may send on 587/465, and as which senders")
    .addHelpText(
      "after",
      "\nPasswords are read from standard input (or typed at a hidden prompt), never from argv.",
    );

  storeOptions(users.command("add"))
    .description("create an account; the password is the first line of standard input")
    .argument("<address>", "the account's address, also its login")
    .option(
      "--sender <pattern>",
      "another address it may send as; *@example.net for a whole domain (repeatable)",
      collect,
      [],
    )
    .addHelpText(
      "after",
      "\nExample:\n  printf '%s\\n' \"$PASSWORD\" | porteiro users add ana@example.net --data data --sender '*@example.net'",
    )
    .action(async (address: string, options: StoreOptions & { sender: string[] }) => {
      const password = await readPassword(`password for ${address}: `);
      const user = await withUsersAsync(
        options,
        (store) => store.add(address, password, options.sender),
        openStore,
      );
      process.stdout.write(
        `added ${user.address}${user.senders.length ? ` (may also send as ${user.senders.join(", ")})` : ""}\n`,
      );
    });

  storeOptions(users.command("import"))
    .description("add the accounts of a Dovecot passwd-file, keeping their password hashes")
    .argument("<file>", "lines address:{SCHEME}hash, as Dovecot's passwd-file (further fields ignored)")
    .addHelpText(
      "after",
      "\nSchemes: {SHA512-CRYPT}, {BLF-CRYPT}, {ARGON2I}, {ARGON2ID}, {SSHA512} (as `doveadm pw` writes them).\n" +
        "Each hash is checked as it is and made again as scrypt at the account's next good login.\n" +
        "A bad line is reported as FILE:LINE and nothing is imported; an account already present keeps its password.\n" +
        "\nExample:\n  porteiro users import /etc/dovecot/users --data data",
    )
    .action((file: string, options: StoreOptions) => {
      const accounts = parsePasswdFile(readText(file), file);
      const db = openStore(dataDir(options));
      try {
        const { added, kept } = new UserStore(db).importAccounts(accounts);
        process.stdout.write(
          `imported ${added.length} account${added.length === 1 ? "" : "s"} from ${file}` +
            (kept.length > 0
              ? `; ${kept.length} already present, kept as they were: ${kept.join(", ")}`
              : "") +
            "\n",
        );
      } finally {
        db.close();
      }
    });

  storeOptions(users.command("remove"))
    .description("delete an account")
    .argument("<address>")
    .action((address: string, options: StoreOptions) => {
      withUsers(options, (store) => store.remove(address));
      process.stdout.write(`removed ${address.toLowerCase()}\n`);
    });

  storeOptions(users.command("passwd"))
    .description("set a new password, read from standard input")
    .argument("<address>")
    .action(async (address: string, options: StoreOptions) => {
      const password = await readPassword(`new password for ${address}: `);
      await withUsersAsync(options, (store) => store.setPassword(address, password));
      process.stdout.write(`password changed for ${address.toLowerCase()}\n`);
    });

  for (const [name, suspended, verb] of [
    ["suspend", true, "suspended"],
    ["resume", false, "resumed"],
  ] as const) {
    storeOptions(users.command(name))
      .description(
        suspended ? "refuse the account's logins until it is resumed" : "allow a suspended account again",
      )
      .argument("<address>")
      .action((address: string, options: StoreOptions) => {
        withUsers(options, (store) => store.setSuspended(address, suspended));
        process.stdout.write(`${verb} ${address.toLowerCase()}\n`);
      });
  }

  storeOptions(users.command("release"))
    .description("end an account's hold as probably compromised; it may send again")
    .argument("<address>")
    .addHelpText(
      "after",
      "\nMessages accepted while the account was held stay held: list them with `porteiro queue list`,\n" +
        "then send each with `porteiro queue release ID` or drop it with `porteiro queue delete ID`.",
    )
    .action((address: string, options: StoreOptions) => {
      const released = withUsers(options, (store) => store.release(address));
      process.stdout.write(`${released ? "released" : "not on hold:"} ${address.toLowerCase()}\n`);
    });

  storeOptions(users.command("list"))
    .description("list the accounts with their state and allowed senders")
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .action((options: StoreOptions & { format: OutputFormat }) => {
      const list = withUsers(options, (store) => store.list());
      // Suspended wins over held: a suspended account cannot log in, so its hold does not matter yet.
      const rows = list.map((u) => ({
        address: u.address,
        state: u.suspended ? "suspended" : u.hold ? "held" : "active",
        senders: u.senders,
        created_at: u.createdAt,
        held_at: u.hold?.since ?? null,
        hold_reason: u.hold?.reason ?? null,
      }));
      if (options.format === "json") process.stdout.write(`${toJson(rows)}\n`);
      else if (options.format === "csv") {
        const lines = ["address,state,senders,created_at,held_at,hold_reason"];
        for (const r of rows)
          lines.push(
            [r.address, r.state, r.senders.join(" "), r.created_at, r.held_at ?? "", r.hold_reason ?? ""]
              .map(csvField)
              .join(","),
          );
        process.stdout.write(`${lines.join("\n")}\n`);
      } else if (rows.length === 0) process.stdout.write("no users\n");
      else {
        process.stdout.write(
          `${table([
            ["address", "state", "also sends as", "created", "hold"],
            ...rows.map((r) => [
              r.address,
              r.state,
              r.senders.join(", ") || "-",
              r.created_at.slice(0, 10),
              r.held_at ? `${r.hold_reason} (since ${r.held_at.slice(0, 16).replace("T", " ")} UTC)` : "-",
            ]),
          ])}\n`,
        );
      }
    });
}
