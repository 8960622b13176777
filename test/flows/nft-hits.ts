/** `nft -j list set inet porteiro observe_hits_v4` as nftables 1.0.6 prints it, for the tests. */
export function nftHitsListing(
  elements: readonly { val: unknown; packets?: unknown }[],
  name = "observe_hits_v4",
): string {
  return JSON.stringify({
    nftables: [
      { metainfo: { version: "1.0.6", release_name: "Lester Gooch #5", json_schema_version: 1 } },
      {
        set: {
          family: "inet",
          name,
          table: "porteiro",
          type: "ipv4_addr",
          handle: 9,
          size: 65536,
          flags: ["timeout"],
          timeout: 604800,
          elem: elements.map(({ val, packets }) => ({
            elem: {
              val,
              expires: 600000,
              ...(packets === undefined ? {} : { counter: { packets, bytes: 60 } }),
            },
          })),
          stmt: [{ counter: null }],
        },
      },
    ],
  });
}
