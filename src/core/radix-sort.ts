/**
 * Sorting of uint32 keys without comparisons or an object per key: two stable counting passes
 * over 16-bit digits (an LSD radix sort). Tens of millions of listed addresses sort in well under
 * a second, with one scratch array the size of the input.
 */

const DIGITS = 65536;

/**
 * Sorts `keys[0..count)` ascending in place. Stable: equal keys keep their order. `tags` (one
 * byte per key) and `payload` (one uint32 per key: a range end, say), when given, move along.
 */
export function radixSortUint32(
  keys: Uint32Array,
  count: number = keys.length,
  tags?: Uint8Array,
  payload?: Uint32Array,
): void {
  if (count < 2) return;
  let fromKeys: Uint32Array = keys;
  let toKeys: Uint32Array = new Uint32Array(count);
  let fromTags: Uint8Array | undefined = tags;
  let toTags: Uint8Array | undefined = tags ? new Uint8Array(count) : undefined;
  let fromPayload: Uint32Array | undefined = payload;
  let toPayload: Uint32Array | undefined = payload ? new Uint32Array(count) : undefined;
  const counts = new Uint32Array(DIGITS);
  let moved = 0;
  for (let shift = 0; shift < 32; shift += 16) {
    counts.fill(0);
    for (let i = 0; i < count; i++) {
      const digit = ((fromKeys[i] as number) >>> shift) & 0xffff;
      counts[digit] = (counts[digit] as number) + 1;
    }
    // A digit all keys share orders nothing: skip the pass (sorted input often shares the high half).
    if (counts[((fromKeys[0] as number) >>> shift) & 0xffff] === count) continue;
    let total = 0;
    for (let d = 0; d < DIGITS; d++) {
      const c = counts[d] as number;
      counts[d] = total;
      total += c;
    }
    for (let i = 0; i < count; i++) {
      const key = fromKeys[i] as number;
      const digit = (key >>> shift) & 0xffff;
      const at = counts[digit] as number;
      counts[digit] = at + 1;
      toKeys[at] = key;
      if (fromTags && toTags) toTags[at] = fromTags[i] as number;
      if (fromPayload && toPayload) toPayload[at] = fromPayload[i] as number;
    }
    [fromKeys, toKeys] = [toKeys, fromKeys];
    [fromTags, toTags] = [toTags, fromTags];
    [fromPayload, toPayload] = [toPayload, fromPayload];
    moved++;
  }
  // An odd number of passes leaves the result in the scratch arrays.
  if (moved % 2 === 1) {
    keys.set(fromKeys.subarray(0, count));
    if (tags && fromTags) tags.set(fromTags.subarray(0, count));
    if (payload && fromPayload) payload.set(fromPayload.subarray(0, count));
  }
}
