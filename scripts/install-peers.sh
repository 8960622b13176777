#!/usr/bin/env bash
# Installs the Debian packages that porteiro's tests and benchmarks use as real peers.
# Idempotent: packages already present are skipped, and `apt-get update` runs at most once.
set -euo pipefail

# command-to-check:package
PEERS=(
  "nft:nftables"
  "dhcpd:isc-dhcp-server"
  "dhclient:isc-dhcp-client"
  "iptables:iptables"
  "ipset:ipset"
  "ip:iproute2"
  "unshare:util-linux"
  "python3:python3"
  "swaks:swaks"
  "openssl:openssl"
  "postfix:postfix"
  "softflowd:softflowd"
  "nfcapd:nfdump"
  "nfdump:nfdump"
  "curl:curl"
  "rbldnsd:rbldnsd"
  "dig:bind9-dnsutils"
  "chromium:chromium"
  "systemd-analyze:systemd"
  "dovecot:dovecot-core"
  "slapd:slapd"
  # Debian installs it in /usr/sbin, which a non-root PATH may lack: the check looks there too.
  "clickhouse-server:clickhouse-server"
)

missing=()
for peer in "${PEERS[@]}"; do
  command -v "${peer%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${peer%%:*}" ] || missing+=("${peer##*:}")
done
# swaks speaks TLS through Perl's Net::SSLeay, which Debian only recommends.
perl -MNet::SSLeay -e1 >/dev/null 2>&1 || missing+=("libnet-ssleay-perl")

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
# Postfix's package would set up the system's own mail server; "No configuration" leaves it without
# a main.cf, so it never starts. The tests run private instances (test/helpers/postfix.ts).
if [[ " ${missing[*]} " == *" postfix "* ]]; then
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
fi
# slapd's package would set up a directory of its own; the tests start private ones instead.
if [[ " ${missing[*]} " == *" slapd "* ]]; then
  echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}"
