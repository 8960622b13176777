import type { Command } from "commander";
import { UserError } from "../core/index.js";
import { openExistingStore } from "../store/index.js";
import { Spool, type SpooledMessage, type SpooledRecipient } from "../submission/index.js";
import { dataDir } from "./config.js";
import { outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, table, toJson } from "./output.js";
import type { StoreOptions } from "./store-options.js";

function withSpool<T>(options: StoreOptions, work: (spool: Spool) => T): T {
  const dir = dataDir(options);
  const db = openExistingStore(dir);
  try {
    return work(new Spool(db, dir));
  } finally {
    db.close();
  }
}

function storeOptions(command: Command): Command {
  return command
    .option("--data <dir>", "data folder holding porteiro.db and the spool (default: from -c, else ./data)")
    .option("-c, --config <file>", "porteiro.yaml naming the data folder");
}

function existing(spool: Spool, id: string): SpooledMessage {
  const message = spool.message(id);
  if (!message) throw new UserError(`no message ${id} in the queue`);
  return message;
}

/** One queued message as `list` and `show` print it. */
interface Row {
  id: string;
  user: string;
  from: string;
  size: number;
  received_at: string;
  held: boolean;
  hold_reason: string | null;
  recipients: {
    address: string;
    state: string;
    attempts: number;
    next_attempt_at: string;
    last_error: string | null;
  }[];
}

function rowOf(message: SpooledMessage, recipients: readonly SpooledRecipient[]): Row {
  return {
    id: message.id,
    user: message.username,
    from: message.mailFrom,
    size: message.size,
    received_at: message.receivedAt,
    held: message.held,
    hold_reason: message.holdReason,
    recipients: recipients.map((r) => ({
      address: r.recipient,
      state: r.state,
      attempts: r.attempts,
      next_attempt_at: r.nextAttemptAt,
      last_error: r.lastError,
    })),
  };
}

const attemptsOf = (row: Row) => Math.max(0, ...row.recipients.map((r) => r.attempts));
const nextAttemptOf = (row: Row) =>
  row.recipients
    .filter((r) => r.state === "queued")
    .map((r) => r.next_attempt_at)
    .sort()[0] ?? "-";
const recipientsOf = (row: Row, separator: string) =>
  row.recipients.map((r) => `${r.address} (${r.state})`).join(separator);

function printRows(rows: readonly Row[], format: OutputFormat): void {
  if (format === "json") {
    process.stdout.write(`${toJson(rows)}\n`);
    return;
  }
  if (format === "csv") {
    const lines = ["id,user,from,recipients,attempts,next_attempt_at,held"];
    for (const row of rows) {
      lines.push(
        [row.id, row.user, row.from, recipientsOf(row, " "), String(attemptsOf(row)), nextAttemptOf(row)]
          .concat(row.held ? "yes" : "no")
          .map(csvField)
          .join(","),
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write("the queue is empty\n");
    return;
  }
  process.stdout.write(
    `${table([
      ["id", "user", "from", "recipients", "attempts", "next attempt", "held"],
      ...rows.map((row) => [
        row.id,
        row.user,
        row.from || "<>",
        recipientsOf(row, ", "),
        String(attemptsOf(row)),
        nextAttemptOf(row),
        row.held ? `yes${row.hold_reason ? ` (${row.hold_reason})` : ""}` : "no",
      ]),
    ])}\n`,
  );
}

export function registerQueueCommands(program: Command): void {
  const queue = program
    .command("queue")
    .description("the submission spool: messages waiting for delivery, and what became of each recipient");

  storeOptions(queue.command("list"))
    .description("list the spooled messages with their recipients' states")
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .action((options: StoreOptions & { format: OutputFormat }) => {
      const rows = withSpool(options, (spool) =>
        spool.messages().map((m) => rowOf(m, spool.recipients(m.id))),
      );
      printRows(rows, options.format);
    });

  storeOptions(queue.command("show"))
    .description("one message's envelope and each recipient's state and last error")
    .argument("<id>")
    .option("--format <format>", "table or json", outputFormatOption, "table")
    .action((id: string, options: StoreOptions & { format: OutputFormat }) => {
      const row = withSpool(options, (spool) => rowOf(existing(spool, id), spool.recipients(id)));
      if (options.format === "json") {
        process.stdout.write(`${toJson(row)}\n`);
        return;
      }
      const lines = [
        `id:        ${row.id}`,
        `user:      ${row.user}`,
        `from:      <${row.from}>`,
        `size:      ${row.size} bytes`,
        `received:  ${row.received_at}`,
        `held:      ${row.held ? `yes${row.hold_reason ? ` (${row.hold_reason})` : ""}` : "no"}`,
        "",
        table([
          ["recipient", "state", "attempts", "next attempt", "last reply"],
          ...row.recipients.map((r) => [
            r.address,
            r.state,
            String(r.attempts),
            r.state === "queued" ? r.next_attempt_at : "-",
            r.last_error ?? "-",
          ]),
        ]),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });

  storeOptions(queue.command("retry"))
    .description("make queued recipients due now: of one message, or of every message")
    .argument("[id]")
    .action((id: string | undefined, options: StoreOptions) => {
      const count = withSpool(options, (spool) => {
        if (id !== undefined) existing(spool, id);
        return spool.retryNow(id);
      });
      process.stdout.write(`${count} recipient${count === 1 ? "" : "s"} due now\n`);
    });

  storeOptions(queue.command("delete"))
    .description("drop a message without delivering it to its remaining recipients (no DSN)")
    .argument("<id>")
    .action((id: string, options: StoreOptions) => {
      withSpool(options, (spool) => {
        existing(spool, id);
        spool.remove(id, true);
      });
      process.stdout.write(`deleted ${id}\n`);
    });

  storeOptions(queue.command("hold"))
    .description("keep a message in the queue without delivering it until it is released")
    .argument("<id>")
    .option("--reason <text>", "why, shown by list and show", "held by the operator")
    .action((id: string, options: StoreOptions & { reason: string }) => {
      withSpool(options, (spool) => {
        existing(spool, id);
        spool.setHeld(id, options.reason);
      });
      process.stdout.write(`held ${id}\n`);
    });

  storeOptions(queue.command("release"))
    .description("let a held message be delivered again")
    .argument("<id>")
    .action((id: string, options: StoreOptions) => {
      withSpool(options, (spool) => {
        existing(spool, id);
        spool.setHeld(id, null);
      });
      process.stdout.write(`released ${id}\n`);
    });
}
