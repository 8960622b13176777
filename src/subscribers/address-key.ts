import { type Address, networkOf, type Prefix } from "../core/index.js";

/** The address as big-endian bytes, 4 or 16: SQLite compares blobs bytewise, so keys sort as addresses. */
export function addressKey(address: Address): Buffer {
  if (address.family === 4) {
    const key = Buffer.alloc(4);
    key.writeUInt32BE(address.value);
    return key;
  }
  return Buffer.from(address.value.toString(16).padStart(32, "0"), "hex");
}

export function addressFromKey(family: number, key: Buffer): Address {
  return family === 4
    ? { family: 4, value: key.readUInt32BE(0) }
    : { family: 6, value: BigInt(`0x${key.toString("hex")}`) };
}

/** The first address of the `length`-bit prefix holding the address. */
export function networkAddress(address: Address, length: number): Address {
  const network = networkOf({ family: address.family, start: address.value, length } as Prefix);
  return { family: network.family, value: network.start } as Address;
}
