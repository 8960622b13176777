const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * RFC 5322 §4.3 obsolete zones; military letters mean "unknown", read as -0000 (UTC). `UTC` is
 * not in the RFC, but feedback loops write it in Arrival-Date and Received-Date.
 */
const NAMED_ZONES: Readonly<Record<string, number>> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -5 * 60,
  edt: -4 * 60,
  cst: -6 * 60,
  cdt: -5 * 60,
  mst: -7 * 60,
  mdt: -6 * 60,
  pst: -8 * 60,
  pdt: -7 * 60,
};

const DATE_TIME =
  /^(?:(?:mon|tue|wed|thu|fri|sat|sun)\s*,\s*)?(\d{1,2})\s+([a-z]{3})\s+(\d{2,4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|[a-z]{1,3})$/i;

function zoneMinutes(zone: string): number | undefined {
  if (/^[+-]\d{4}$/.test(zone)) {
    const minutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5));
    return zone.startsWith("-") ? -minutes : minutes;
  }
  const lower = zone.toLowerCase();
  if (lower in NAMED_ZONES) return NAMED_ZONES[lower];
  return /^[a-ik-z]$/.test(lower) ? 0 : undefined;
}

/** RFC 5322 §4.3: a two-digit year is 19xx from 50 on, else 20xx; three digits add 1900. */
function fullYear(text: string): number {
  const year = Number(text);
  if (text.length === 2) return year < 50 ? 2000 + year : 1900 + year;
  if (text.length === 3) return 1900 + year;
  return year;
}

/**
 * An RFC 5322 date-time (obsolete forms included: named zones such as EDT, two-digit years,
 * comments dropped) as milliseconds since the epoch, or undefined when it is not one or names
 * a day that does not exist.
 */
export function parseRfc5322Date(text: string): number | undefined {
  const match = DATE_TIME.exec(
    text
      .replace(/\([^()]*\)/g, " ")
      .trim()
      .replace(/\s+/g, " "),
  );
  if (!match) return undefined;
  const [, dayText, monthText, yearText, hourText, minuteText, secondText, zoneText] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string | undefined,
    string,
  ];
  const month = MONTHS.indexOf(monthText.toLowerCase());
  const zone = zoneMinutes(zoneText);
  const [day, hour, minute, second] = [dayText, hourText, minuteText, secondText ?? "0"].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  if (month < 0 || zone === undefined || hour > 23 || minute > 59 || second > 60) return undefined;
  const year = fullYear(yearText);
  const local = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  if (new Date(local).getUTCDate() !== day) return undefined;
  return local - zone * 60_000;
}
