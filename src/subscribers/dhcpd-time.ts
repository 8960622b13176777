/** `4 2026/01/01 10:00:00` (weekday, then UTC) or `epoch 1767261600` (db-time-format local). */
const WEEKDAY_TIME = /^[0-6] (\d{4,6})\/(\d{1,2})\/(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})$/;
const EPOCH_TIME = /^epoch (\d{1,12})$/;

/**
 * A dhcpd.leases time as milliseconds, null for `never`, or the reason it is not a time.
 * dhcpd writes UTC unless told `db-time-format local`, which writes seconds since the epoch.
 */
export function parseDhcpdTime(text: string): number | null | string {
  if (text === "never") return null;
  const epoch = EPOCH_TIME.exec(text);
  if (epoch) return Number(epoch[1]) * 1000;
  const match = WEEKDAY_TIME.exec(text);
  if (!match) return `"${text}" is not a time (expected "4 2026/01/01 10:00:00", "epoch N" or "never")`;
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(ms);
  if (y < 1970 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 60) {
    return `"${text}" is not a real date and time`;
  }
  return ms;
}
