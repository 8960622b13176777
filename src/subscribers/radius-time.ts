const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Event-Timestamp as FreeRADIUS writes it: `Jan  1 2026 10:00:00 UTC` (or -03, +0530 …). */
const EVENT_TIME = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?: (\S+))?$/;
/** A detail record's first line, ctime(3) style: `Thu Jan  1 10:00:00 2026`. */
const CTIME = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})?$/;
const EPOCH = /^\d{1,12}$/;

function utcMs(month: string, day: string, year: string, h: string, m: string, s: string): number | string {
  const monthIndex = MONTHS.indexOf(month);
  if (monthIndex < 0) return `"${month}" is not a month`;
  const ms = Date.UTC(Number(year), monthIndex, Number(day), Number(h), Number(m), Number(s));
  const date = new Date(ms);
  if (
    Number(year) < 1970 ||
    date.getUTCDate() !== Number(day) ||
    Number(h) > 23 ||
    Number(m) > 59 ||
    Number(s) > 60
  ) {
    return "is not a real date and time";
  }
  return ms;
}

function zoneOffsetMs(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === "UTC" || zone === "GMT" || zone === "Z") return 0;
  const match = OFFSET.exec(zone);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return (match[1] === "-" ? -1 : 1) * minutes * 60_000;
}

/**
 * Milliseconds since the epoch from an Event-Timestamp or Timestamp value (unquoted): seconds
 * since the epoch, or FreeRADIUS's text form. A zone name other than UTC/GMT is refused: "BRT" or
 * "CST" name different offsets in different places. Returns the reason when it is not a time.
 */
export function parseRadiusTime(text: string): number | string {
  if (EPOCH.test(text)) return Number(text) * 1000;
  const match = EVENT_TIME.exec(text);
  if (!match) return `"${text}" is not a time (expected "Jan  1 2026 10:00:00 UTC" or seconds since 1970)`;
  const [, month, day, year, h, m, s, zone] = match as unknown as string[];
  const offset = zoneOffsetMs(zone);
  if (offset === undefined) {
    return `time zone "${zone}" is ambiguous; have FreeRADIUS write UTC or a numeric offset such as -03`;
  }
  const ms = utcMs(month as string, day as string, year as string, h as string, m as string, s as string);
  return typeof ms === "string" ? `"${text}" ${ms}` : ms - offset;
}

/** The record's header line as milliseconds, read as UTC; undefined when it is not a header. */
export function parseDetailHeader(line: string): number | undefined {
  const match = CTIME.exec(line);
  if (!match) return undefined;
  const [, month, day, h, m, s, year] = match as unknown as string[];
  const ms = utcMs(month as string, day as string, year as string, h as string, m as string, s as string);
  return typeof ms === "number" ? ms : undefined;
}
