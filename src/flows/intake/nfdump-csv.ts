/**
 * `nfdump -r FILE -o csv` read line by line. Columns are found by their header names (ts, td,
 * sa, da, dp, pr, flg, ipkt, ibyt), so added or reordered columns do not matter; output made
 * with -q has no header and is read with nfdump 1.7's default columns. The summary nfdump
 * appends after a blank line ends the records.
 */
import { emptyMailFlow, type MailFlow } from "../mail-flow.js";
import {
  mailPort,
  type NfdumpOrigin,
  NfdumpRecordError,
  type NfdumpSink,
  parseNfdumpTime,
  parseTcpFlags,
  setAddresses,
  setCounts,
  TCP,
} from "./nfdump-fields.js";

/** The header nfdump 1.7 prints for `-o csv`. */
export const NFDUMP_CSV_HEADER =
  "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln," +
  "ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr";

const REQUIRED = ["ts", "sa", "da", "dp", "pr", "ipkt", "ibyt"] as const;

interface Columns {
  ts: number;
  te: number;
  td: number;
  sa: number;
  da: number;
  dp: number;
  pr: number;
  flg: number;
  ipkt: number;
  ibyt: number;
  ra: number;
  tr: number;
  count: number;
}

function columnsOf(header: string): Columns | string {
  const names = header.split(",").map((name) => name.trim());
  const at = (name: string) => names.indexOf(name);
  const missing = REQUIRED.filter((name) => at(name) < 0);
  if (missing.length > 0)
    return `the header lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
  if (at("td") < 0 && at("te") < 0) return "the header has neither td nor te";
  return {
    ts: at("ts"),
    te: at("te"),
    td: at("td"),
    sa: at("sa"),
    da: at("da"),
    dp: at("dp"),
    pr: at("pr"),
    flg: at("flg"),
    ipkt: at("ipkt"),
    ibyt: at("ibyt"),
    ra: at("ra"),
    tr: at("tr"),
    count: names.length,
  };
}

const DEFAULT_COLUMNS = columnsOf(NFDUMP_CSV_HEADER) as Columns;

/** Column names only: a record always holds digits or punctuation. */
const HEADER = /^[a-z][a-z0-9]*(,[a-z][a-z0-9]*)*$/;

export class NfdumpCsvReader {
  private readonly flow: MailFlow = emptyMailFlow();
  private readonly origin: NfdumpOrigin = { exporter: "", received: "" };
  private columns: Columns | undefined;
  /** Set at the blank line before nfdump's summary: nothing after it is a record. */
  private done = false;

  constructor(
    private readonly sink: NfdumpSink,
    private readonly samplingRate = 1,
  ) {}

  line(text: string, lineNumber: number): void {
    if (this.done) return;
    const line = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (this.columns === undefined) {
      if (HEADER.test(line)) {
        const columns = columnsOf(line);
        if (typeof columns === "string") {
          this.sink.bad(lineNumber, `${columns}; is this nfdump -o csv output?`);
          this.done = true;
        } else this.columns = columns;
        return;
      }
      this.columns = DEFAULT_COLUMNS;
    }
    if (line.trim() === "" || line === "Summary") {
      this.done = true;
      return;
    }
    const fields = line.split(",");
    try {
      if (fields.length < this.columns.count) {
        throw new NfdumpRecordError(`${fields.length} fields where the header has ${this.columns.count}`);
      }
      if (this.fill(fields, this.columns)) this.sink.mail(this.flow, this.origin);
      else this.sink.other();
    } catch (error) {
      if (!(error instanceof NfdumpRecordError)) throw error;
      this.sink.bad(lineNumber, error.message);
    }
  }

  private fill(fields: readonly string[], c: Columns): boolean {
    const field = (index: number) => (fields[index] as string).trim();
    const proto = field(c.pr);
    if (proto !== "TCP" && proto !== String(TCP)) {
      if (proto === "") throw new NfdumpRecordError("no protocol");
      return false;
    }
    const port = mailPort(field(c.dp));
    if (port === undefined) return false;
    const flow = this.flow;
    flow.dstPort = port;
    setAddresses(flow, field(c.sa), field(c.da));
    setCounts(flow, field(c.ipkt), field(c.ibyt), this.samplingRate);
    flow.tcpFlags = c.flg < 0 ? 0 : parseTcpFlags(field(c.flg));
    flow.firstMs = parseNfdumpTime(field(c.ts), "ts");
    // td keeps milliseconds where ts and te print whole seconds.
    if (c.td >= 0) {
      const seconds = Number(field(c.td));
      if (!Number.isFinite(seconds) || seconds < 0 || field(c.td) === "") {
        throw new NfdumpRecordError(`duration "${field(c.td)}" is not a number of seconds`);
      }
      flow.lastMs = flow.firstMs + Math.round(seconds * 1000);
    } else {
      flow.lastMs = parseNfdumpTime(field(c.te), "te");
      if (flow.lastMs < flow.firstMs) throw new NfdumpRecordError("te is before ts");
    }
    this.origin.exporter = c.ra < 0 ? "" : field(c.ra);
    this.origin.received = c.tr < 0 ? "" : field(c.tr);
    return true;
  }
}
