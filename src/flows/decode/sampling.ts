/**
 * The sampling rate of an exporter's sampler (selector), from the fields routers really send in
 * options records or in the data records themselves: PSAMP's selector algorithms (RFC 5475,
 * RFC 5476 §6, RFC 7014), the older IPFIX samplingInterval/samplerRandomInterval, and Cisco's
 * NetFlow v9 sampler options (FLOW_SAMPLER_ID 48, _MODE 49, _RANDOM_INTERVAL 50).
 */

/** The IANA ids (shared by NetFlow v9 for 34–50) of the fields that describe sampling. */
export const SAMPLING_FIELD = {
  samplingInterval: 34,
  samplingAlgorithm: 35,
  samplerId: 48,
  samplerMode: 49,
  samplerRandomInterval: 50,
  selectorId: 302,
  selectorAlgorithm: 304,
  samplingPacketInterval: 305,
  samplingPacketSpace: 306,
  samplingTimeInterval: 307,
  samplingTimeSpace: 308,
  samplingSize: 309,
  samplingPopulation: 310,
  samplingProbability: 311,
} as const;

export type SamplingFieldName = keyof typeof SAMPLING_FIELD;
/** The values a record carries, by field name; absent fields are undefined. */
export type SamplingValues = Partial<Record<SamplingFieldName, number>>;

export const SAMPLING_FIELD_IDS: ReadonlyMap<number, SamplingFieldName> = new Map(
  Object.entries(SAMPLING_FIELD).map(([name, id]) => [id, name as SamplingFieldName]),
);

/** A sampler's rate (flows and packets each sampled record stands for) and how it was read. */
export interface SamplingRate {
  readonly rate: number;
  /** What the rate was read from, for an operator: "random 1 of 256 (selectorAlgorithm 3)". */
  readonly method: string;
}

const positive = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n) && n > 0;

/** Past this a rate is nonsense (a probability of 1e-300): such a record gives no rate. */
const MAX_RATE = 2 ** 32;

/** Counts are whole numbers in the store: a rate is rounded, and never below 1. */
function rated(rate: number, method: string): SamplingRate | undefined {
  if (!(rate <= MAX_RATE)) return undefined;
  return { rate: Math.max(1, Math.round(rate)), method };
}

/** RFC 5476 §6.5.2: the PSAMP selector algorithms whose parameters give a rate. */
function bySelectorAlgorithm(v: SamplingValues): SamplingRate | undefined {
  switch (v.selectorAlgorithm) {
    case 1:
      // Systematic count-based: samplingPacketInterval packets taken, samplingPacketSpace skipped.
      if (!positive(v.samplingPacketInterval)) return undefined;
      return rated(
        (v.samplingPacketInterval + (v.samplingPacketSpace ?? 0)) / v.samplingPacketInterval,
        `systematic count-based, ${v.samplingPacketInterval} taken, ${v.samplingPacketSpace ?? 0} skipped (selectorAlgorithm 1)`,
      );
    case 2:
      // Systematic time-based: the share of time sampled stands for the share of packets.
      if (!positive(v.samplingTimeInterval)) return undefined;
      return rated(
        (v.samplingTimeInterval + (v.samplingTimeSpace ?? 0)) / v.samplingTimeInterval,
        `systematic time-based, ${v.samplingTimeInterval} µs taken, ${v.samplingTimeSpace ?? 0} µs skipped (selectorAlgorithm 2)`,
      );
    case 3:
      if (!positive(v.samplingSize) || !positive(v.samplingPopulation)) return undefined;
      return rated(
        v.samplingPopulation / v.samplingSize,
        `random ${v.samplingSize} of ${v.samplingPopulation} (selectorAlgorithm 3)`,
      );
    case 4:
      if (!positive(v.samplingProbability) || v.samplingProbability > 1) return undefined;
      return rated(
        1 / v.samplingProbability,
        `uniform probabilistic, p = ${v.samplingProbability} (selectorAlgorithm 4)`,
      );
    default:
      return undefined;
  }
}

/** The fields exporters sent before PSAMP, or beside it without a selector algorithm. */
function byOlderFields(v: SamplingValues): SamplingRate | undefined {
  if (positive(v.samplerRandomInterval)) {
    const mode = v.samplerMode === 1 || v.samplingAlgorithm === 1 ? "deterministic" : "random";
    return rated(v.samplerRandomInterval, `${mode} 1 in ${v.samplerRandomInterval} (samplerRandomInterval)`);
  }
  if (positive(v.samplingInterval)) {
    return rated(v.samplingInterval, `1 in ${v.samplingInterval} (samplingInterval)`);
  }
  if (positive(v.samplingSize) && positive(v.samplingPopulation)) {
    return rated(v.samplingPopulation / v.samplingSize, `${v.samplingSize} of ${v.samplingPopulation}`);
  }
  if (positive(v.samplingProbability) && v.samplingProbability <= 1) {
    return rated(1 / v.samplingProbability, `p = ${v.samplingProbability}`);
  }
  if (positive(v.samplingPacketInterval)) {
    // Without a space, exporters that send the interval alone mean "1 in interval".
    return v.samplingPacketSpace === undefined
      ? rated(v.samplingPacketInterval, `1 in ${v.samplingPacketInterval} (samplingPacketInterval)`)
      : rated(
          (v.samplingPacketInterval + v.samplingPacketSpace) / v.samplingPacketInterval,
          `${v.samplingPacketInterval} taken, ${v.samplingPacketSpace} skipped`,
        );
  }
  return undefined;
}

/**
 * The rate the values give, or undefined when they give none (no sampling field, or only
 * zeros: "not sampled" in v5's header and in exporters that send the fields regardless).
 * A selector algorithm, when present, decides which fields count: IOS XR sends
 * samplingPacketInterval 1 beside selectorAlgorithm 3, and only samplingSize of
 * samplingPopulation is the rate there.
 */
export function samplingRateOf(values: SamplingValues): SamplingRate | undefined {
  return bySelectorAlgorithm(values) ?? byOlderFields(values);
}

/** Which sampler the values name (selectorId, else samplerId), if any. */
export function samplerKeyOf(values: SamplingValues): number | undefined {
  return values.selectorId ?? values.samplerId;
}
