import { InvalidArgumentError } from "commander";
import { type Day, tryParseDay } from "../core/index.js";
import { FORMATS, type OutputFormat } from "./output.js";

export function dayOption(text: string): Day {
  const day = tryParseDay(text);
  if (!day) throw new InvalidArgumentError("expected a date written YYYY-MM-DD.");
  return day;
}

export function outputFormatOption(text: string): OutputFormat {
  if (!(FORMATS as readonly string[]).includes(text)) {
    throw new InvalidArgumentError(`expected one of ${FORMATS.join(", ")}.`);
  }
  return text as OutputFormat;
}
