import { Command, CommanderError, Option } from "commander";
import { buildInfo, LOG_FORMATS, UserError } from "../core/index.js";
import { registerCampaignCommands } from "./campaign.js";
import { registerComplaintsCommands } from "./complaints.js";
import { registerConfigCommands } from "./config-commands.js";
import { registerDnsCommands } from "./dns.js";
import { registerFlowsCommands } from "./flows.js";
import { registerHoneypotCommands } from "./honeypot.js";
import { registerInitCommand } from "./init.js";
import { registerLeasesCommands } from "./leases.js";
import { registerOperatorsCommands } from "./operators.js";
import { registerPlanCommands } from "./plan.js";
import { registerPolicyCommands } from "./policy.js";
import { registerQueueCommands } from "./queue.js";
import { registerReputationCommands, reputationCommand } from "./reputation.js";
import { registerReputationReport } from "./reputation-report.js";
import { registerRolloutCommands } from "./rollout.js";
import { registerServeCommand } from "./serve.js";
import { registerStatusCommand } from "./status.js";
import { registerSubmissionCommands } from "./submission.js";
import { registerSubscribersCommands } from "./subscribers.js";
import { registerUsersCommands } from "./users.js";

function versionLine(): string {
  const { version, commit } = buildInfo();
  return commit ? `porteiro ${version} (commit ${commit})` : `porteiro ${version}`;
}

export function buildProgram(): Command {
  const program = new Command("porteiro")
    .description("Port 25 Management for ISPs and CSIRTs")
    .version(versionLine())
    .addOption(
      new Option(
        "--log-format <format>",
        "logs as JSON lines or readable lines (default: pretty on a terminal)",
      )
        .choices(LOG_FORMATS)
        .env("PORTEIRO_LOG_FORMAT"),
    )
    .hook("preAction", (command) => {
      const format = command.opts().logFormat as string | undefined;
      if (format) process.env.PORTEIRO_LOG_FORMAT = format;
    })
    .showHelpAfterError("(add --help for usage)");
  registerCampaignCommands(program);
  registerComplaintsCommands(program);
  registerConfigCommands(program);
  registerDnsCommands(program);
  registerFlowsCommands(program);
  registerHoneypotCommands(program);
  registerInitCommand(program);
  registerLeasesCommands(program);
  registerOperatorsCommands(program);
  registerPlanCommands(program);
  registerPolicyCommands(program);
  registerQueueCommands(program);
  registerReputationCommands(program);
  registerReputationReport(reputationCommand(program));
  registerRolloutCommands(program);
  registerServeCommand(program);
  registerStatusCommand(program);
  registerSubmissionCommands(program);
  registerSubscribersCommands(program);
  registerUsersCommands(program);
  return program;
}

/** Runs the command line; a user's mistake prints one line and exits 1, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof UserError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    process.stderr.write(`porteiro: internal error: ${(error as Error).message ?? String(error)}\n`);
    if (process.env.PORTEIRO_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 2;
  }
}
