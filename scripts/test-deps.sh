#!/usr/bin/env bash
# Checks for the programs the tests use and, as root on Debian, installs the missing ones.
set -euo pipefail
declare -A package=(
    [nc.openbsd]=netcat-openbsd [socat]=socat [python3]=python3 [mandoc]=mandoc
    [zsh]=zsh [fish]=fish [setpriv]=util-linux [ip]=iproute2 [nft]=nftables [ss]=iproute2
    [tmux]=tmux [pkill]=procps [cc]=gcc [unshare]=util-linux [tcpdump]=tcpdump [openssl]=openssl [tshark]=tshark [ncat]=ncat [curl]=curl [chromium]=chromium
)
missing=()
for tool in "${!package[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${package[$tool]}")
done
# The screen links ncursesw: its header must be there to build at all.
[ -e /usr/include/ncursesw/curses.h ] || missing+=(libncurses-dev)
# --tls links the system's OpenSSL 3.
[ -e /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing test peers: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
    echo "the tests need these Debian packages: ${missing[*]} (install them, or run 'make test' as root)" >&2
    exit 1
fi
