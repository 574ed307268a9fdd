#!/usr/bin/env bash
# Installs what the build and tests need, only where it is missing, so a
# second run takes seconds. Usage: ensure-tools.sh [--browser] [--keycloak]
# OC_WASM_STD_ARCHIVE=path/to/rust-std-<version>-wasm32-unknown-unknown.tar.xz installs the
# wasm target from that archive instead of downloading it (for machines without rustup's server).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

say() { printf '==> %s\n' "$*"; }

# The target is present when its standard library is in the sysroot, however it got there
# (rustup does not list one installed from an archive).
wasm_std_dir="$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib"
if ! ls "$wasm_std_dir"/libstd-*.rlib >/dev/null 2>&1; then
  if [ -n "${OC_WASM_STD_ARCHIVE:-}" ]; then
    # Offline install: a rust-std component archive for this exact rustc, as rustup ships it.
    [ -f "$OC_WASM_STD_ARCHIVE" ] || { echo "ensure-tools: OC_WASM_STD_ARCHIVE names $OC_WASM_STD_ARCHIVE, which does not exist" >&2; exit 1; }
    say "installing the wasm32-unknown-unknown standard library from $OC_WASM_STD_ARCHIVE"
    tar -xJf "$OC_WASM_STD_ARCHIVE" -C "$(rustc --print sysroot)/lib/rustlib"
  else
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  ls "$wasm_std_dir"/libstd-*.rlib >/dev/null 2>&1 \
    || { echo "ensure-tools: the wasm32-unknown-unknown standard library is still missing from $wasm_std_dir" >&2; exit 1; }
fi

# Build tools need no LTO: cargo-leptos' own release profile (fat LTO, one codegen unit) kept
# one core busy for most of its install, and these tools' speed does not matter.
quick_build=(--config profile.release.lto=false --config profile.release.codegen-units=16)

if ! cargo leptos --version 2>/dev/null | grep -q '0.3.10'; then
  say "installing cargo-leptos 0.3.10 (a one-off)"
  cargo install "${quick_build[@]}" cargo-leptos --version 0.3.10 --locked --features no_downloads
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wbg_version}$"; then
  say "installing wasm-bindgen-cli ${wbg_version}"
  cargo install "${quick_build[@]}" wasm-bindgen-cli --version "${wbg_version}"
fi

# Debian's binaryen is too old (it silently breaks hydration); npm's is current.
if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  say "installing wasm-opt (npm binaryen@132)"
  mkdir -p "$OC_TOOLS_DIR"
  npm install --prefix "$OC_TOOLS_DIR" --no-audit --no-fund --silent binaryen@132
fi

want_browser=false
want_keycloak=false
for option in "$@"; do
  case "$option" in
    --browser) want_browser=true ;;
    --keycloak) want_keycloak=true ;;
    *) echo "ensure-tools: unknown option $option" >&2; exit 2 ;;
  esac
done

if $want_keycloak; then
  # Java and Maven come from Debian when missing; the server itself is fetched by
  # scripts/keycloak/lib.sh, which checks its SHA-256.
  if ! command -v java >/dev/null && [ ! -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    say "installing Java 17 from Debian"
    apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  fi
  if ! command -v mvn >/dev/null; then
    say "installing Maven from Debian"
    apt-get update -qq && apt-get install -y -qq maven >/dev/null
  fi
  source scripts/keycloak/lib.sh
  kc_ensure_dist
fi

if $want_browser; then
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium from Debian"
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  fi
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing end2end npm packages"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
fi
