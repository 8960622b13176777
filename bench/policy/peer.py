#!/usr/bin/env python3
"""The straightforward peer for bench/policy: the blocked set of a plan on a day, with ipaddress.

Reads the JSON file bench/policy/generate.ts writes (date, regions, exceptions, and the name of
the pools CSV `prefix,kind,region,name`) and computes what porteiro's computePolicy calls
`blocked`: for each region in enforce on the date, the addresses whose most specific pool is one
of its dynamic pools, less the exceptions in force, as the minimal CIDR list.

Prints one JSON line: prefix counts, the sha256 of the sorted list (IPv4 ascending, then IPv6
ascending, one prefix a line, joined with "\\n") and the seconds each step took. With
`--list FILE` it also writes that list (after the clock has stopped).

    python3 bench/policy/peer.py /tmp/porteiro-bench-policy-.../peer.json [--list out.txt]
"""

import bisect
import csv
import hashlib
import ipaddress
import json
import os
import sys
import time


def read_input(path):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    pools = []
    with open(os.path.join(os.path.dirname(path), spec["csv"]), encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            if not row or row[0].startswith("#") or row[0] == "prefix":
                continue
            prefix, kind, region = row[0], row[1], row[2]
            pools.append((ipaddress.ip_network(prefix), kind, region))
    exceptions = [
        (ipaddress.ip_network(e["prefix"]), e["until"]) for e in spec["exceptions"]
    ]
    return spec, pools, exceptions


def owned_space(pools, enforcing):
    """Networks whose most specific pool is a dynamic pool of an enforcing region.

    Pools either nest or are disjoint, so after sorting by (address, prefix length) a stack of
    open pools gives each pool its direct children; a pool owns itself less its children.
    """
    ordered = sorted(
        pools, key=lambda p: (p[0].version, int(p[0].network_address), p[0].prefixlen)
    )
    children = [[] for _ in ordered]
    stack = []  # indexes into `ordered`
    for i, (net, _, _) in enumerate(ordered):
        while stack and not (
            ordered[stack[-1]][0].version == net.version
            and net.subnet_of(ordered[stack[-1]][0])
        ):
            stack.pop()
        if stack:
            children[stack[-1]].append(net)
        stack.append(i)

    owned = {4: [], 6: []}
    for i, (net, kind, region) in enumerate(ordered):
        if kind != "dynamic" or region not in enforcing:
            continue
        # Sweep the pool left to right; each gap between its children becomes CIDR blocks.
        cls = type(net.network_address)
        out = owned[net.version]
        cursor = int(net.network_address)
        for child in children[i]:
            first = int(child.network_address)
            if first > cursor:
                out.extend(ipaddress.summarize_address_range(cls(cursor), cls(first - 1)))
            cursor = int(child.broadcast_address) + 1
        last = int(net.broadcast_address)
        if cursor <= last:
            out.extend(ipaddress.summarize_address_range(cls(cursor), cls(last)))
    return owned


def subtract(networks, holes):
    """Sorted, collapsed `networks` less `holes`, still sorted and minimal.

    Each hole is excluded from the network holding it (networks wholly inside a hole go). The
    result needs no second collapse: address_exclude leaves the pieces of one network minimal,
    and pieces of two different networks cannot merge, since the networks themselves could not.
    """
    starts = [int(n.network_address) for n in networks]
    cuts = {}
    for hole in holes:
        first = int(hole.network_address)
        i = bisect.bisect_right(starts, first) - 1
        if i >= 0 and hole.subnet_of(networks[i]):
            cuts.setdefault(i, []).append(hole)
        j = bisect.bisect_left(starts, first)
        while j < len(networks) and networks[j].subnet_of(hole):
            cuts.setdefault(j, []).append(networks[j])
            j += 1
    out = []
    for i, net in enumerate(networks):
        if i not in cuts:
            out.append(net)
            continue
        pieces = [net]
        for hole in cuts[i]:
            rest = []
            for piece in pieces:
                if hole == piece:
                    continue
                if hole.subnet_of(piece):
                    rest.extend(piece.address_exclude(hole))
                else:
                    rest.append(piece)
            pieces = rest
        out.extend(sorted(pieces))
    return out


def blocked_set(spec, pools, exceptions):
    day = spec["date"]
    enforcing = {r["id"] for r in spec["regions"] if r["enforce_from"] <= day}
    owned = owned_space(pools, enforcing)
    active = [net for net, until in exceptions if until is None or day <= until]
    result = []
    for version in (4, 6):
        nets = list(ipaddress.collapse_addresses(owned[version]))  # sorted and minimal
        holes = ipaddress.collapse_addresses(n for n in active if n.version == version)
        result.extend(subtract(nets, holes))
    return result


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    list_file = argv[argv.index("--list") + 1] if "--list" in argv else None
    t0 = time.perf_counter()
    spec, pools, exceptions = read_input(argv[1])
    t1 = time.perf_counter()
    blocked = blocked_set(spec, pools, exceptions)
    t2 = time.perf_counter()
    text = "\n".join(str(n) for n in blocked)
    digest = hashlib.sha256(text.encode()).hexdigest()
    if list_file:
        with open(list_file, "w", encoding="utf-8") as f:
            f.write(text + "\n" if text else "")
    print(
        json.dumps(
            {
                "prefixes": len(blocked),
                "v4": sum(1 for n in blocked if n.version == 4),
                "v6": sum(1 for n in blocked if n.version == 6),
                "sha256": digest,
                "seconds": {"read": t1 - t0, "compute": t2 - t1, "total": t2 - t0},
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
