import { InvalidArgumentError } from "commander";
import { type Day, tryParseDay } from "../core/index.js";
import { FORMATS, type OutputFormat } from "./output.js";

export function dayOption(text: string): Day {
  const day = tryParseDay(text);
  if (!day) throw new InvalidArgumentError("expected a date written YYYY-MM-DD.");
  return day;
}

export function outputFormatOption(text: string): OutputFormat {
  return choiceOption(FORMATS)(text);
}

/** One of `choices`, as commander hands it over. */
export function choiceOption<T extends string>(choices: readonly T[]) {
  return (text: string): T => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}.`);
    }
    return text as T;
  };
}

/** A count: a whole number, 0 included. */
export function countOption(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new InvalidArgumentError("expected a whole number.");
  return Number(text);
}

const TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?$/;

/** An ISO time in ms since the epoch; without a zone it is UTC, like every time porteiro prints. */
export function timeOption(text: string): number {
  const match = TIME.exec(text.trim());
  const ms = match ? Date.parse(`${match[1]}T${match[2]}${match[3] ?? "Z"}`) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      "expected a time such as 2026-01-01T12:00:00Z (UTC unless an offset is given).",
    );
  }
  return ms;
}
