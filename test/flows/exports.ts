/**
 * Builds NetFlow v5, v9 and IPFIX export datagrams from flow descriptions, for the decoder tests
 * and bench/flows. Templates are lists of [field id, length]; an id of the form [id, enterprise]
 * writes an enterprise-specific field, and length 65535 a variable-length one.
 */
export interface FlowSpec {
  family: 4 | 6;
  src: number | bigint;
  dst: number | bigint;
  srcPort: number;
  dstPort: number;
  proto: number;
  packets: number;
  bytes: number;
  flags: number;
  firstMs: number;
  lastMs: number;
}

export type FieldDef = readonly [id: number | readonly [number, number], length: number];

export const V4_FIELDS: readonly FieldDef[] = [
  [8, 4],
  [12, 4],
  [22, 4],
  [21, 4],
  [1, 4],
  [2, 4],
  [7, 2],
  [11, 2],
  [4, 1],
  [6, 1],
];
export const V6_FIELDS: readonly FieldDef[] = [[27, 16], [28, 16], ...V4_FIELDS.slice(2)];

class Writer {
  private buf = Buffer.alloc(1500);
  length = 0;
  private room(n: number): void {
    if (this.length + n > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(bigger);
      this.buf = bigger;
    }
  }
  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.room(2);
    this.buf.writeUInt16BE(v & 0xffff, this.length);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.length);
    this.length += 4;
    return this;
  }
  uint(v: number | bigint, length: number): this {
    let value = BigInt(v);
    const bytes: number[] = [];
    for (let i = 0; i < length; i++) {
      bytes.unshift(Number(value & 0xffn));
      value >>= 8n;
    }
    for (const b of bytes) this.u8(b);
    return this;
  }
  setU16(at: number, v: number): void {
    this.buf.writeUInt16BE(v, at);
  }
  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}

export interface Clock {
  exportMs: number;
  /** Exporter uptime at export (v5/v9; IPFIX uptime fields use systemInitMs instead). */
  uptimeMs: number;
}

/** The value a field carries for `flow`; fields the tests do not describe carry zeros. */
function value(id: number, flow: FlowSpec, clock: Clock, systemInitMs: number): number | bigint {
  const uptime = (ms: number) => (clock.uptimeMs - (clock.exportMs - ms)) >>> 0;
  switch (id) {
    case 1:
    case 85:
      return flow.bytes;
    case 2:
    case 86:
      return flow.packets;
    case 4:
      return flow.proto;
    case 6:
      return flow.flags;
    case 7:
      return flow.srcPort;
    case 11:
      return flow.dstPort;
    case 8:
    case 27:
      return flow.src;
    case 12:
    case 28:
      return flow.dst;
    case 22:
      return Number.isNaN(systemInitMs) ? uptime(flow.firstMs) : (flow.firstMs - systemInitMs) >>> 0;
    case 21:
      return Number.isNaN(systemInitMs) ? uptime(flow.lastMs) : (flow.lastMs - systemInitMs) >>> 0;
    case 150:
      return Math.floor(flow.firstMs / 1000);
    case 151:
      return Math.floor(flow.lastMs / 1000);
    case 152:
      return flow.firstMs;
    case 153:
      return flow.lastMs;
    default:
      return 0;
  }
}

function writeRecord(
  w: Writer,
  fields: readonly FieldDef[],
  flow: FlowSpec,
  clock: Clock,
  init: number,
  extra: Readonly<Record<number, number | bigint>> = {},
): void {
  for (const [id, length] of fields) {
    if (length === 65535) {
      // A variable-length field: three bytes of content.
      w.u8(3).u8(0x61).u8(0x62).u8(0x63);
    } else if (typeof id === "number") {
      w.uint(extra[id] ?? value(id, flow, clock, init), length);
    } else {
      w.uint(0, length);
    }
  }
}

export function v5Packet(flows: readonly FlowSpec[], clock: Clock, sampling = 0): Buffer {
  const w = new Writer();
  w.u16(5).u16(flows.length).u32(clock.uptimeMs);
  w.u32(Math.floor(clock.exportMs / 1000)).u32((clock.exportMs % 1000) * 1e6);
  w.u32(0).u8(0).u8(0).u16(sampling);
  const uptime = (ms: number) => (clock.uptimeMs - (clock.exportMs - ms)) >>> 0;
  for (const f of flows) {
    w.uint(f.src, 4).uint(f.dst, 4).u32(0).u16(0).u16(0);
    w.u32(f.packets).u32(f.bytes).u32(uptime(f.firstMs)).u32(uptime(f.lastMs));
    w.u16(f.srcPort).u16(f.dstPort).u8(0).u8(f.flags).u8(f.proto).u8(0);
    w.u16(0).u16(0).u8(0).u8(0).u16(0);
  }
  return w.done();
}

/** A set's content, written by `body`; the set header's length is filled in afterwards. */
function set(w: Writer, id: number, body: () => void): void {
  const start = w.length;
  w.u16(id).u16(0);
  body();
  w.setU16(start + 2, w.length - start);
}

function fieldSpecs(w: Writer, fields: readonly FieldDef[], ipfix: boolean): void {
  for (const [id, length] of fields) {
    if (typeof id === "number") w.u16(id).u16(length);
    else if (ipfix)
      w.u16(id[0] | 0x8000)
        .u16(length)
        .u32(id[1]);
    else w.u16(id[0]).u16(length);
  }
}

export type SetSpec =
  | { kind: "template"; id: number; fields: readonly FieldDef[] }
  | { kind: "options"; id: number; scope: readonly FieldDef[]; fields: readonly FieldDef[] }
  | { kind: "withdraw"; id: number; options?: boolean }
  | {
      kind: "data";
      id: number;
      fields: readonly FieldDef[];
      flows: readonly FlowSpec[];
      /** Values of fields a FlowSpec does not give (a selectorId …), by field id; others carry 0. */
      extra?: Readonly<Record<number, number | bigint>>;
    }
  /** Data records of raw field values, for values no FlowSpec gives (2^64-1 ms). */
  | { kind: "records"; id: number; fields: readonly FieldDef[]; records: readonly (number | bigint)[][] }
  | {
      kind: "optionsData";
      id: number;
      scope: readonly FieldDef[];
      fields: readonly FieldDef[];
      values: readonly (number | bigint)[];
      /** The scope fields' values (zeros when not given). */
      scopeValues?: readonly (number | bigint)[];
    };

function writeSet(w: Writer, s: SetSpec, ipfix: boolean, clock: Clock, init: number): void {
  switch (s.kind) {
    case "template":
      set(w, ipfix ? 2 : 0, () => {
        w.u16(s.id).u16(s.fields.length);
        fieldSpecs(w, s.fields, ipfix);
      });
      return;
    case "options":
      set(w, ipfix ? 3 : 1, () => {
        if (ipfix)
          w.u16(s.id)
            .u16(s.scope.length + s.fields.length)
            .u16(s.scope.length);
        else
          w.u16(s.id)
            .u16(s.scope.length * 4)
            .u16(s.fields.length * 4);
        fieldSpecs(w, [...s.scope, ...s.fields], ipfix);
      });
      return;
    case "withdraw":
      set(w, s.options ? 3 : 2, () => w.u16(s.id).u16(0));
      return;
    case "data":
      set(w, s.id, () => {
        for (const f of s.flows) writeRecord(w, s.fields, f, clock, init, s.extra);
      });
      return;
    case "records":
      set(w, s.id, () => {
        for (const record of s.records) {
          s.fields.forEach(([, length], i) => {
            w.uint(record[i] ?? 0, length);
          });
        }
      });
      return;
    case "optionsData":
      set(w, s.id, () => {
        s.scope.forEach(([, length], i) => {
          w.uint(s.scopeValues?.[i] ?? 0, length);
        });
        s.fields.forEach(([, length], i) => {
          if (length === 65535) w.u8(3).u8(0x61).u8(0x62).u8(0x63);
          else w.uint(s.values[i] ?? 0, length);
        });
      });
      return;
  }
}

export function v9Packet(sets: readonly SetSpec[], clock: Clock, sourceId = 0): Buffer {
  const w = new Writer();
  w.u16(9)
    .u16(sets.length)
    .u32(clock.uptimeMs)
    .u32(Math.floor(clock.exportMs / 1000))
    .u32(0)
    .u32(sourceId);
  for (const s of sets) writeSet(w, s, false, clock, Number.NaN);
  return w.done();
}

/** `systemInitMs` is what uptime fields (21/22) count from; NaN writes them from `clock` as in v9. */
export function ipfixPacket(
  sets: readonly SetSpec[],
  clock: Clock,
  domain = 0,
  systemInitMs = Number.NaN,
): Buffer {
  const w = new Writer();
  w.u16(10)
    .u16(0)
    .u32(Math.floor(clock.exportMs / 1000))
    .u32(0)
    .u32(domain);
  for (const s of sets) writeSet(w, s, true, clock, systemInitMs);
  w.setU16(2, w.length);
  return w.done();
}
