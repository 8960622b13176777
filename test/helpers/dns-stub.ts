/**
 * A tiny authoritative DNS server on 127.0.0.1 for tests, so MX look-ups never leave the machine.
 * Answers A and MX from a fixed zone; NODATA for a known name without that type, NXDOMAIN else.
 */
import { createSocket } from "node:dgram";
import type { TestContext } from "node:test";

export interface Zone {
  readonly [name: string]: { readonly A?: readonly string[]; readonly MX?: readonly [number, string][] };
}

const TYPE_A = 1;
const TYPE_MX = 15;

function encodeName(name: string): Buffer {
  const labels = name.split(".").filter((l) => l.length > 0);
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
}

function record(type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // the question's name
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(60, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

export function answer(query: Buffer, zone: Zone): Buffer {
  let offset = 12;
  const labels: string[] = [];
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset] as number;
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString("latin1"));
    offset += 1 + length;
  }
  const questionEnd = offset + 5;
  const type = query.readUInt16BE(offset + 1);
  const entry = zone[labels.join(".").toLowerCase()];
  const answers: Buffer[] = [];
  if (entry && type === TYPE_A) {
    for (const address of entry.A ?? [])
      answers.push(record(TYPE_A, Buffer.from(address.split(".").map(Number))));
  }
  if (entry && type === TYPE_MX) {
    for (const [preference, exchange] of entry.MX ?? []) {
      const pref = Buffer.alloc(2);
      pref.writeUInt16BE(preference, 0);
      answers.push(record(TYPE_MX, Buffer.concat([pref, encodeName(exchange)])));
    }
  }
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | (entry ? 0 : 3), 2); // QR AA RD, rcode
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}

/** Serves `zone` on 127.0.0.1:<free port> until the test ends; returns "127.0.0.1:PORT". */
export async function startDnsStub(t: TestContext, zone: Zone): Promise<string> {
  const socket = createSocket("udp4");
  socket.on("message", (query, peer) => {
    if (query.length < 17) return;
    socket.send(answer(query, zone), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  t.after(() => socket.close());
  return `127.0.0.1:${socket.address().port}`;
}
