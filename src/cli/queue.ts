import { type Command, InvalidArgumentError } from "commander";
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

/** How a bulk command picks its messages: one id, or --all, --from, --older-than (which combine). */
interface Selection {
  all?: boolean;
  from?: string;
  olderThan?: number;
}

const DURATION = /^(\d+)([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function durationOption(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new InvalidArgumentError("expected a duration such as 90m, 12h or 3d");
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

function selectionOptions(command: Command): Command {
  return command
    .argument("[id]", "one message (or use --all, --from, --older-than)")
    .option("--all", "every message in the queue")
    .option("--from <address>", "messages of this account or envelope sender")
    .option(
      "--older-than <duration>",
      "messages received longer ago than this (90m, 12h, 3d)",
      durationOption,
    );
}

/** The ids a bulk command acts on: the one named, or those its options select; never none by accident. */
function selected(spool: Spool, id: string | undefined, options: Selection): string[] {
  const filtered = options.all || options.from !== undefined || options.olderThan !== undefined;
  if (id !== undefined && filtered)
    throw new UserError("give a message id or --all/--from/--older-than, not both");
  if (id !== undefined) return [existing(spool, id).id];
  if (!filtered)
    throw new UserError("give a message id, or select with --all, --from ADDRESS or --older-than DURATION");
  return spool.select({
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.olderThan !== undefined ? { receivedBefore: new Date(Date.now() - options.olderThan) } : {}),
  });
}

const messagesWord = (n: number) => `${n} message${n === 1 ? "" : "s"}`;

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

/** Bytes as a person reads them, as mailq prints sizes. */
function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Time in the queue, in its largest whole unit. */
function ageOf(receivedAt: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(receivedAt)) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h`;
  return `${Math.floor(minutes / 1440)}d`;
}

function printRows(rows: readonly Row[], format: OutputFormat): void {
  if (format === "json") {
    process.stdout.write(`${toJson(rows)}\n`);
    return;
  }
  if (format === "csv") {
    const lines = ["id,user,from,recipients,attempts,next_attempt_at,held,size,received_at"];
    for (const row of rows) {
      lines.push(
        [row.id, row.user, row.from, recipientsOf(row, " "), String(attemptsOf(row)), nextAttemptOf(row)]
          .concat(row.held ? "yes" : "no", String(row.size), row.received_at)
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
      ["id", "user", "from", "size", "age", "recipients", "attempts", "next attempt", "held"],
      ...rows.map((row) => [
        row.id,
        row.user,
        row.from || "<>",
        sizeOf(row.size),
        ageOf(row.received_at),
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

  selectionOptions(storeOptions(queue.command("delete")))
    .description("drop messages without delivering them to their remaining recipients (no DSN)")
    .addHelpText(
      "after",
      "\nExamples:\n  porteiro queue delete 0f3c2a1b --data data\n  porteiro queue delete --from spammer@example.net --data data",
    )
    .action((id: string | undefined, options: StoreOptions & Selection) => {
      const ids = withSpool(options, (spool) => {
        const chosen = selected(spool, id, options);
        for (const each of chosen) spool.remove(each, true);
        return chosen;
      });
      process.stdout.write(id !== undefined ? `deleted ${id}\n` : `deleted ${messagesWord(ids.length)}\n`);
    });

  selectionOptions(storeOptions(queue.command("hold")))
    .description("keep messages in the queue without delivering them until they are released")
    .option("--reason <text>", "why, shown by list and show", "held by the operator")
    .addHelpText(
      "after",
      "\nExamples:\n  porteiro queue hold 0f3c2a1b --data data\n  porteiro queue hold --from ana@example.net --reason 'compromised?' --data data",
    )
    .action((id: string | undefined, options: StoreOptions & Selection & { reason: string }) => {
      const ids = withSpool(options, (spool) => {
        const chosen = selected(spool, id, options);
        for (const each of chosen) spool.setHeld(each, options.reason);
        return chosen;
      });
      process.stdout.write(id !== undefined ? `held ${id}\n` : `held ${messagesWord(ids.length)}\n`);
    });

  selectionOptions(storeOptions(queue.command("release")))
    .description("let held messages be delivered again")
    .addHelpText(
      "after",
      "\nExamples:\n  porteiro queue release 0f3c2a1b --data data\n  porteiro queue release --all --data data",
    )
    .action((id: string | undefined, options: StoreOptions & Selection) => {
      const ids = withSpool(options, (spool) => {
        const chosen = selected(spool, id, options);
        for (const each of chosen) spool.setHeld(each, null);
        return chosen;
      });
      process.stdout.write(id !== undefined ? `released ${id}\n` : `released ${messagesWord(ids.length)}\n`);
    });
}
