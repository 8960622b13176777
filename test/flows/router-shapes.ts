/** Exports in the shapes real routers send, for the sampling tests. */
import { flow4 } from "./decode-helpers.js";
import type { FieldDef, SetSpec } from "./exports.js";

/** IOS XR's IPFIX data template: addresses, ports, counters, times, and the selectorId. */
const XR_DATA: FieldDef[] = [
  [8, 4],
  [12, 4],
  [7, 2],
  [11, 2],
  [4, 1],
  [6, 1],
  [10, 4],
  [14, 4],
  [1, 8],
  [2, 8],
  [152, 8],
  [153, 8],
  [302, 8],
];
/** IOS XR's sampler options (template 257): scope selectorId; algorithm, interval, size, population, name. */
const XR_SCOPE: FieldDef[] = [[302, 8]];
const XR_OPTIONS: FieldDef[] = [
  [304, 2],
  [305, 4],
  [309, 4],
  [310, 4],
  [335, 65535],
];

/** The options template and one record describing `selector` as random 1 of `population`. */
export const xrSampler = (selector: number, population: number): SetSpec[] => [
  { kind: "options", id: 257, scope: XR_SCOPE, fields: XR_OPTIONS },
  {
    kind: "optionsData",
    id: 257,
    scope: XR_SCOPE,
    scopeValues: [selector],
    fields: XR_OPTIONS,
    values: [3, 1, 1, population],
  },
];
/** A data set of one TCP/25 flow from 192.0.2.<n>, sampled by `selector`. */
export const xrData = (selector: number, n: number): SetSpec => ({
  kind: "data",
  id: 256,
  fields: XR_DATA,
  flows: [flow4(n, 25)],
  extra: { 302: selector },
});
export const XR_TEMPLATE: SetSpec = { kind: "template", id: 256, fields: XR_DATA };
