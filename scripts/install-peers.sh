#!/usr/bin/env bash
# Installs the Debian packages that porteiro's tests and benchmarks use as real peers.
# Idempotent: packages already present are skipped, and `apt-get update` runs at most once.
set -euo pipefail

# command-to-check:package
PEERS=(
  "nft:nftables"
  "iptables:iptables"
  "ipset:ipset"
  "ip:iproute2"
  "unshare:util-linux"
  "python3:python3"
)

missing=()
for peer in "${PEERS[@]}"; do
  command -v "${peer%%:*}" >/dev/null 2>&1 || missing+=("${peer##*:}")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-peers: all peers present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-peers: need root to install: ${missing[*]}" >&2
  exit 1
fi

echo "install-peers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
