import { type Command, InvalidArgumentError } from "commander";
import { openExistingStore, openStore, type Store } from "../store/index.js";
import { OperatorStore, parseRole, ROLES, type Role } from "../web/index.js";
import { dataDir } from "./config.js";
import { outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, table, toJson } from "./output.js";
import { readPassword } from "./stdin.js";
import { type StoreOptions, storeOptions } from "./store-options.js";

/** Works on existing operators unless `open` is openStore (`add`, which makes the store on first use). */
async function withOperators<T>(
  options: StoreOptions,
  work: (store: OperatorStore) => T | Promise<T>,
  open: (dir: string) => Store = openExistingStore,
): Promise<T> {
  const db = open(dataDir(options));
  try {
    return await work(new OperatorStore(db));
  } finally {
    db.close();
  }
}

function roleOption(text: string): Role {
  try {
    return parseRole(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function registerOperatorsCommands(program: Command): void {
  const operators = program
    .command("operators")
    .description("web console accounts: who may log in, as admin, operator or read-only")
    .addHelpText(
      "after",
      "\nRoles: admin (everything), operator (day-to-day changes), read-only (looks, changes nothing).\n" +
        "Passwords are read from standard input (or typed at a hidden prompt), never from argv.",
    );

  storeOptions(operators.command("add"))
    .description("create an account; the password (8 characters or more) is the first line of standard input")
    .argument("<name>", "the login name")
    .option(`--role <role>`, ROLES.join(", "), roleOption, "operator" as Role)
    .addHelpText(
      "after",
      "\nExample:\n  printf '%s\\n' \"$PASSWORD\" | porteiro operators add ana --role admin --data data",
    )
    .action(async (name: string, options: StoreOptions & { role: Role }) => {
      const password = await readPassword(`password for ${name}: `);
      const added = await withOperators(
        options,
        (store) => store.add(name, password, options.role),
        openStore,
      );
      process.stdout.write(`added operator ${added.username} (${added.role})\n`);
    });

  storeOptions(operators.command("remove"))
    .description("delete an account and end its sessions")
    .argument("<name>")
    .action(async (name: string, options: StoreOptions) => {
      await withOperators(options, (store) => store.remove(name));
      process.stdout.write(`removed operator ${name.trim().toLowerCase()}\n`);
    });

  storeOptions(operators.command("passwd"))
    .description("set a new password, read from standard input; ends the account's sessions")
    .argument("<name>")
    .option("--role <role>", `also change the role: ${ROLES.join(", ")}`, roleOption)
    .action(async (name: string, options: StoreOptions & { role?: Role }) => {
      const password = await readPassword(`new password for ${name}: `);
      await withOperators(options, async (store) => {
        await store.setPassword(name, password);
        if (options.role) store.setRole(name, options.role);
      });
      process.stdout.write(
        `password changed for ${name.trim().toLowerCase()}${options.role ? ` (now ${options.role})` : ""}\n`,
      );
    });

  storeOptions(operators.command("list"))
    .description("list the accounts with their roles")
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .action(async (options: StoreOptions & { format: OutputFormat }) => {
      const list = await withOperators(options, (store) => store.list());
      const rows = list.map((o) => ({ username: o.username, role: o.role, created_at: o.createdAt }));
      if (options.format === "json") process.stdout.write(`${toJson(rows)}\n`);
      else if (options.format === "csv") {
        const lines = [
          "username,role,created_at",
          ...rows.map((r) => [r.username, r.role, r.created_at].map(csvField).join(",")),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      } else if (rows.length === 0) process.stdout.write("no operators\n");
      else
        process.stdout.write(
          `${table([["name", "role", "created"], ...rows.map((r) => [r.username, r.role, r.created_at.slice(0, 10)])])}\n`,
        );
    });
}
