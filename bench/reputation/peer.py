"""The straightforward way: ipaddress to parse, a set to drop repeats, bisect over the sorted ranges.

    python3 peer.py ASN_CSV COUNTRY_CSV ZONE  ->  JSON {"asn": {...}, "country": {...}, "seconds": {...}}

ASN_CSV and COUNTRY_CSV are ip-location-db's text tables (asn-ipv4.csv, asn-country-ipv4.csv).
"""
import bisect
import ipaddress
import json
import sys
import time


def load(path):
    starts, ends, values = [], [], []
    with open(path, encoding="utf-8") as table:
        for line in table:
            fields = line.rstrip("\n").split(",", 3)
            starts.append(int(ipaddress.ip_address(fields[0])))
            ends.append(int(ipaddress.ip_address(fields[1])))
            values.append(fields[2])
    return starts, ends, values


def owner(table, address):
    starts, ends, values = table
    i = bisect.bisect_right(starts, address) - 1
    return values[i] if i >= 0 and address <= ends[i] else "unknown"


def main():
    asn_csv, country_csv, zone = sys.argv[1:4]
    clock = time.perf_counter()
    asn, country = load(asn_csv), load(country_csv)
    loaded = time.perf_counter()
    addresses = set()
    with open(zone, encoding="ascii") as lines:
        for line in lines:
            line = line.strip()
            if line and line[0] not in "#:$;":
                addresses.add(int(ipaddress.ip_address(line)))
    read = time.perf_counter()
    by_asn, by_country = {}, {}
    for address in addresses:
        a = owner(asn, address)
        by_asn[a] = by_asn.get(a, 0) + 1
        c = owner(country, address)
        by_country[c] = by_country.get(c, 0) + 1
    counted = time.perf_counter()
    json.dump(
        {
            "asn": by_asn,
            "country": by_country,
            "addresses": len(addresses),
            "seconds": {"tables": loaded - clock, "zone": read - loaded, "count": counted - read},
        },
        sys.stdout,
    )


main()
