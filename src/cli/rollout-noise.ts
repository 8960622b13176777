import { type Command, Option } from "commander";
import { type Day, today } from "../core/index.js";
import {
  deleteNoise,
  LOCAL_ADMIN,
  listNoise,
  NOISE_CATEGORIES,
  NOISE_RESOLUTIONS,
  type NoiseRecord,
  recordNoise,
  updateNoise,
} from "../rollout/index.js";
import { choiceOption, dayOption } from "./options.js";
import type { OutputFormat } from "./output.js";
import { changeOf, example, formatOption, printList, recordId } from "./rollout-common.js";
import { type StoreOptions, storeOptions, withExistingStore, withStore } from "./store-options.js";

const describe = (n: NoiseRecord) =>
  `noise ${n.id}: ${n.org_id}${n.region_id ? ` in ${n.region_id}` : ""} on ${n.day}, ${n.category} (${n.resolution})`;

const resolutionOption = (help: string) =>
  new Option("--resolution <resolution>", `${help}: ${NOISE_RESOLUTIONS.join(", ")}`).argParser(
    choiceOption(NOISE_RESOLUTIONS),
  );

interface AddOptions extends StoreOptions {
  org: string;
  region?: string;
  day?: Day;
  category: string;
  resolution?: string;
  note?: string;
}

interface ChangeOptions extends StoreOptions {
  resolution?: string;
  region?: string | false;
  note?: string | false;
}

export function registerNoiseCommands(rollout: Command): void {
  const noise = example(
    rollout.command("noise"),
    "porteiro rollout noise list --data coordinator",
  ).description(
    "users' trouble with the change, as help desks record it: what rollout status counts per region",
  );
  example(
    storeOptions(noise.command("add")).description("record a help-desk call about the change"),
    'porteiro rollout noise add --org example-telecom --region sul --category cannot-send --note "Outlook on port 25" --data coordinator',
  )
    .requiredOption("--org <id>", "the organisation whose subscriber called")
    .option("--region <id>", "the region the caller is in (counted against its switch)")
    .option("--day <date>", "the day of the call (default today)", dayOption)
    .addOption(
      new Option("--category <category>", `what it was about: ${NOISE_CATEGORIES.join(", ")}`)
        .argParser(choiceOption(NOISE_CATEGORIES))
        .makeOptionMandatory(),
    )
    .addOption(resolutionOption("how it ended (default open)"))
    .option("--note <text>", "what was said or done")
    .action((options: AddOptions) => {
      const added = withStore(options, (store) =>
        recordNoise(store, LOCAL_ADMIN, {
          org_id: options.org,
          region_id: options.region,
          day: options.day ?? today(),
          category: options.category,
          resolution: options.resolution,
          note: options.note,
        }),
      );
      process.stdout.write(`recorded ${describe(added)}\n`);
    });
  example(
    storeOptions(noise.command("list")).description("list the noise records, by day"),
    "porteiro rollout noise list --org example-telecom --format csv --data coordinator",
  )
    .option("--org <id>", "only this organisation's")
    .addOption(formatOption())
    .action((options: StoreOptions & { org?: string; format: OutputFormat }) => {
      const rows = withExistingStore(options, (store) =>
        listNoise(store, LOCAL_ADMIN, options.org ? { orgId: options.org } : {}),
      );
      printList(
        rows,
        options.format,
        [
          { head: "id", key: "id" },
          { head: "day", key: "day" },
          { head: "org", key: "org_id" },
          { head: "region", key: "region_id" },
          { head: "category", key: "category" },
          { head: "resolution", key: "resolution" },
          { head: "source", key: "source" },
          { head: "recorded by", key: "recorded_by" },
          { head: "note", key: "note" },
        ],
        "no noise recorded",
      );
    });
  example(
    storeOptions(noise.command("set"))
      .description("change a noise record's resolution, region or note")
      .argument("<n>", "the record (porteiro rollout noise list)", recordId)
      .addOption(resolutionOption("how it ended"))
      .option("--region <id>", "the region the caller is in")
      .option("--no-region", "count it in no region")
      .option("--note <text>", "a new note")
      .option("--no-note", "drop the note"),
    "porteiro rollout noise set 1 --resolution reconfigured --data coordinator",
  ).action((id: number, options: ChangeOptions) => {
    const change = changeOf(
      {
        resolution: options.resolution,
        region_id: options.region === false ? null : options.region,
        note: options.note === false ? null : options.note,
      },
      "--resolution, --region, --no-region, --note or --no-note",
    );
    const changed = withStore(options, (store) => updateNoise(store, LOCAL_ADMIN, id, change));
    process.stdout.write(`changed ${describe(changed)}\n`);
  });
  example(
    storeOptions(noise.command("remove")).description("remove a noise record entered by mistake"),
    "porteiro rollout noise remove 1 --data coordinator",
  )
    .argument("<n>", "the record (porteiro rollout noise list)", recordId)
    .action((id: number, options: StoreOptions) => {
      withStore(options, (store) => deleteNoise(store, LOCAL_ADMIN, id));
      process.stdout.write(`removed noise ${id}\n`);
    });
}
