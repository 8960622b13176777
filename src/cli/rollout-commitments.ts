import { type Command, Option } from "commander";
import type { Day } from "../core/index.js";
import {
  COMMITMENT_KINDS,
  type Commitment,
  createCommitment,
  deleteCommitment,
  LOCAL_ADMIN,
  listCommitments,
  updateCommitment,
} from "../rollout/index.js";
import { choiceOption, dayOption } from "./options.js";
import type { OutputFormat } from "./output.js";
import {
  changeOf,
  example,
  formatOption,
  percent,
  printList,
  recordId,
  visibility,
  visibilityOptions,
} from "./rollout-common.js";
import { type StoreOptions, storeOptions, withExistingStore, withStore } from "./store-options.js";

const describe = (c: Commitment) =>
  `commitment ${c.id}: ${c.org_id} ${c.kind}${c.region_id ? ` in ${c.region_id}` : ""}${
    c.target === null ? "" : ` ${c.target}%`
  } by ${c.due}${c.public ? "" : " (private)"}`;

interface ChangeOptions extends StoreOptions {
  target?: number;
  due?: Day;
  document?: number | false;
  public?: boolean;
  private?: boolean;
}

export function registerCommitmentCommands(rollout: Command): void {
  const commitment = example(
    rollout.command("commitment"),
    "porteiro rollout commitment list --data coordinator",
  ).description(
    "what each organisation commits to, by when: an adoption target, a region blocked, submission",
  );
  example(
    storeOptions(commitment.command("add")).description("add an organisation's commitment"),
    "porteiro rollout commitment add --org example-telecom --kind adoption_pct --target 80 --due 2027-06-30 --data coordinator",
  )
    .requiredOption("--org <id>", "the organisation that commits")
    .addOption(
      new Option(
        "--kind <kind>",
        "adoption_pct (a share of mail clients on 587/465), port25_blocked_region, submission_offered",
      )
        .argParser(choiceOption(COMMITMENT_KINDS))
        .makeOptionMandatory(),
    )
    .option("--region <id>", "the region it is about (required for port25_blocked_region)")
    .option("--target <percent>", "the adoption to reach (required for adoption_pct)", percent)
    .requiredOption("--due <date>", "by when", dayOption)
    .option("--document <n>", "the document that records it (porteiro rollout document list)", recordId)
    .option("--private", "leave it off the public transparency page")
    .action(
      (
        options: StoreOptions & {
          org: string;
          kind: string;
          region?: string;
          target?: number;
          due: Day;
          document?: number;
          private?: boolean;
        },
      ) => {
        const added = withStore(options, (store) =>
          createCommitment(store, LOCAL_ADMIN, {
            org_id: options.org,
            kind: options.kind,
            region_id: options.region,
            target: options.target,
            due: options.due,
            document_id: options.document,
            public: !options.private,
          }),
        );
        process.stdout.write(`added ${describe(added)}\n`);
      },
    );
  example(
    storeOptions(commitment.command("list")).description("list the commitments, by due date"),
    "porteiro rollout commitment list --org example-telecom --format csv --data coordinator",
  )
    .option("--org <id>", "only this organisation's")
    .addOption(formatOption())
    .action((options: StoreOptions & { org?: string; format: OutputFormat }) => {
      const rows = withExistingStore(options, (store) =>
        listCommitments(store, LOCAL_ADMIN, options.org ? { orgId: options.org } : {}),
      );
      printList(
        rows,
        options.format,
        [
          { head: "id", key: "id" },
          { head: "org", key: "org_id" },
          { head: "kind", key: "kind" },
          { head: "region", key: "region_id" },
          { head: "target", key: "target", text: (c) => (c.target === null ? "-" : `${c.target}%`) },
          { head: "due", key: "due" },
          { head: "document", key: "document_id" },
          { head: "public", key: "public", text: (c) => (c.public ? "yes" : "no") },
        ],
        "no commitments",
      );
    });
  const set = storeOptions(commitment.command("set"))
    .description("change a commitment's target, due date, document or visibility")
    .argument("<n>", "the commitment (porteiro rollout commitment list)", recordId)
    .option("--target <percent>", "a new adoption target", percent)
    .option("--due <date>", "a new due date", dayOption)
    .option("--document <n>", "the document that records it", recordId)
    .option("--no-document", "record it under no document");
  example(
    visibilityOptions(set, "commitment"),
    "porteiro rollout commitment set 1 --due 2027-09-30 --document 2 --data coordinator",
  ).action((id: number, options: ChangeOptions) => {
    const change = changeOf(
      {
        target: options.target,
        due: options.due,
        document_id: options.document === false ? null : options.document,
        public: visibility(options),
      },
      "--target, --due, --document, --no-document, --public or --private",
    );
    const changed = withStore(options, (store) => updateCommitment(store, LOCAL_ADMIN, id, change));
    process.stdout.write(`changed ${describe(changed)}\n`);
  });
  example(
    storeOptions(commitment.command("remove")).description("remove a commitment"),
    "porteiro rollout commitment remove 1 --data coordinator",
  )
    .argument("<n>", "the commitment (porteiro rollout commitment list)", recordId)
    .action((id: number, options: StoreOptions) => {
      withStore(options, (store) => deleteCommitment(store, LOCAL_ADMIN, id));
      process.stdout.write(`removed commitment ${id}\n`);
    });
}
