import type { Store } from "../store/index.js";
import { type Actor, readsEverything, requireWrite } from "./access.js";
import { forbidden, requireKnown } from "./errors.js";
import { parseInput, settingsInput } from "./schemas.js";

export interface ProgrammeSettings {
  /** Noise records a day in a region, after its switch, above which the region is flagged. */
  readonly noise_alert_per_day: number;
  /** An organisation that has not reported a region for this many days is listed as silent. */
  readonly report_every_days: number;
  /** The organisation whose address plan this installation holds (the help form's noise goes to it). */
  readonly plan_org: string | null;
  /** Where the help form's noise goes for an address outside the plan. */
  readonly default_org: string | null;
}

const DEFAULTS: ProgrammeSettings = {
  noise_alert_per_day: 10,
  report_every_days: 14,
  plan_org: null,
  default_org: null,
};

export function readSettings(store: Store): ProgrammeSettings {
  const stored = Object.fromEntries(
    (store.prepare("SELECT key, value FROM rollout_settings").all() as { key: string; value: string }[]).map(
      (r) => [r.key, JSON.parse(r.value)],
    ),
  );
  return { ...DEFAULTS, ...stored };
}

/** The settings as the API shows them: they name organisations, so only to who reads the whole programme. */
export function readSettingsAs(store: Store, reader: Actor): ProgrammeSettings {
  if (!readsEverything(reader))
    throw forbidden("the programme's settings are for coordinators and observers");
  return readSettings(store);
}

export function changeSettings(store: Store, actor: Actor, input: unknown): ProgrammeSettings {
  const change = parseInput(settingsInput, input);
  requireWrite(actor, null, "coordinator");
  // No foreign key holds these: an unknown one would fail only later, at a subscriber's report.
  const named = [change.plan_org, change.default_org].filter((id): id is string => typeof id === "string");
  requireKnown({ store, organisation: named });
  const put = store.prepare(
    "INSERT INTO rollout_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  store.transaction(() => {
    for (const [key, value] of Object.entries(change))
      if (value !== undefined) put.run(key, JSON.stringify(value));
  })();
  return readSettings(store);
}
