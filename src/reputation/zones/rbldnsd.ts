import type { ListingSet } from "../listing-set.js";
import type { ListingParser } from "./parser.js";
import { EMPTY4, union4 } from "./ranges4.js";
import { type Dataset, newDataset, ZONE_TYPES, type ZoneContext, type ZoneType } from "./rbldnsd-datasets.js";
import { isSpecial, readSpecial } from "./rbldnsd-special.js";

export { ZONE_TYPES, type ZoneType } from "./rbldnsd-datasets.js";

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** The line without leading and trailing blanks (rbldnsd strips spaces and tabs only). */
function trimBlanks(line: string): string {
  let from = 0;
  let to = line.length;
  while (from < to && isBlank(line.charCodeAt(from))) from++;
  while (to > from && isBlank(line.charCodeAt(to - 1))) to--;
  return from === 0 && to === line.length ? line : line.slice(from, to);
}

/**
 * An rbldnsd data file of one dataset type. A `$DATASET type` line (the combined-dataset form)
 * starts a new dataset of that type; the listing is every address some dataset lists, since
 * rbldnsd answers from each dataset of a zone on its own.
 */
export function rbldnsdParser(type: ZoneType = "ip4set"): ListingParser {
  const context: ZoneContext = { maxRange4: 0 };
  const done: Dataset[] = [];
  // undefined while inside a dataset that holds no addresses (generic, dnset …).
  let current: Dataset | undefined = newDataset(type, context);
  return {
    line(raw: string): string | undefined {
      const line = trimBlanks(raw);
      if (isSpecial(line)) {
        const special = readSpecial(line);
        switch (special.kind) {
          case "bad":
            return special.message;
          case "maxrange4":
            if (context.maxRange4 > 0 && special.size > context.maxRange4) {
              return `$MAXRANGE4 cannot grow from ${context.maxRange4} to ${special.size}`;
            }
            context.maxRange4 = special.size;
            return undefined;
          case "dataset": {
            if (current) done.push(current);
            const known = (ZONE_TYPES as readonly string[]).includes(special.type);
            current = known ? newDataset(special.type as ZoneType, context) : undefined;
            return known
              ? undefined
              : `dataset type ${special.type} lists no addresses; its lines are skipped (known: ${ZONE_TYPES.join(", ")})`;
          }
          case "ignored":
            return undefined;
        }
      }
      const first = line.charCodeAt(0);
      if (line === "" || first === 35 || first === 59 || !current) return undefined;
      return current.line(line);
    },

    finish(): ListingSet {
      if (current) done.push(current);
      let v4: Uint32Array = EMPTY4;
      let v6: ReturnType<Dataset["finishV6"]> | undefined;
      for (const dataset of done) {
        v4 = union4(v4, dataset.finishV4());
        const more = dataset.finishV6();
        v6 = v6 ? v6.union(more) : more;
      }
      return { v4, v6Starts: v6 ? [...v6.starts] : [], v6Ends: v6 ? [...v6.ends] : [] };
    },
  };
}
