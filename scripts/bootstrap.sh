#!/usr/bin/env bash
# Puts in place what Lockstep's build, tests and scripts need. Idempotent; prints one summary line
# when everything is already there.
#   - Debian packages (installed with apt-get as root, only when missing)
#   - a Python venv at ${LOCKSTEP_CACHE:-~/.cache/lockstep}/venv with scripts/requirements.txt,
#     re-installed only when that file changes (sha256 stamp in the venv)
#   - a `swift` toolchain on PATH (checked, never installed)
# Usage: bash scripts/bootstrap.sh        (sourcing it runs the same thing in a child bash)
# Environment: LOCKSTEP_CACHE (cache root), LOCKSTEP_PYTHON (interpreter for the venv, default python3).
# Exit codes: 0 ready, 1 an install step failed, 2 something missing that this script may not install.

# Sourced: run in a child bash so no option, variable or `exit` leaks into the caller.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    bash "${BASH_SOURCE[0]}" "$@"
    return $?
fi

set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_PACKAGES=(libprotobuf-c-dev protobuf-c-compiler libflatbuffers-dev flatbuffers-compiler
    libopenblas-dev python3-venv zlib1g-dev libpng-dev libjpeg62-turbo-dev
    chromium libxml2-utils fonts-dejavu-core)
REQUIREMENTS="$ROOT/scripts/requirements.txt"
STAMP="$VENV/.requirements.sha256"
did=()

say() { echo "bootstrap: $*" >&2; }
die() { local code="$1"; shift; say "error: $*"; exit "$code"; }

# Runs a noisy command with its output in a log; shows the log's tail only when it fails.
quietly() {
    local log
    log="$(mktemp)"
    if "$@" >"$log" 2>&1; then
        rm -f "$log"
    else
        local rc=$?
        tail -n 40 "$log" >&2
        rm -f "$log"
        return "$rc"
    fi
}

# --- Debian packages -----------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]})); then
    if [[ "$(id -u)" -ne 0 ]]; then
        die 2 "missing Debian packages: ${missing[*]}
  install them as root, then run this script again:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
    command -v apt-get >/dev/null || die 2 "missing packages (${missing[*]}) and no apt-get on this machine"
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    quietly apt-get update -q || die 1 "apt-get update failed"
    quietly apt-get install -y -q --no-install-recommends "${missing[@]}" ||
        die 1 "apt-get install ${missing[*]} failed"
    did+=("apt: ${missing[*]}")
fi

# --- Python venv ---------------------------------------------------------------------------
base_python="${LOCKSTEP_PYTHON:-python3}"
if ! [[ -x "$PY" ]] || ! "$PY" -c 'import sys' >/dev/null 2>&1; then
    command -v "$base_python" >/dev/null || die 2 "$base_python not found: install Python >= 3.11 (apt-get install python3 python3-venv)"
    "$base_python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die 2 "$base_python is $("$base_python" -V 2>&1); numpy 2.4 needs Python >= 3.11 (set LOCKSTEP_PYTHON)"
    rm -rf "$VENV"
    mkdir -p "$LOCKSTEP_CACHE"
    quietly "$base_python" -m venv "$VENV" ||
        die 2 "could not create a venv with $base_python (on Debian: apt-get install python3-venv)"
    did+=("venv: $VENV")
fi

want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [[ "$want" != "$have" ]]; then
    say "installing Python packages from scripts/requirements.txt into $VENV"
    rm -f "$STAMP"
    quietly "$PY" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS" ||
        die 1 "pip install -r scripts/requirements.txt failed"
    echo "$want" >"$STAMP"
    did+=("pip: requirements.txt")
fi

# --- Swift ---------------------------------------------------------------------------------
command -v swift >/dev/null ||
    die 2 "swift not found on PATH: install a Swift 6.x toolchain (swift.org) and put its usr/bin on PATH"

if ((${#did[@]})); then
    detail="$(IFS=';'; echo "${did[*]}")"
else
    detail="nothing to do"
fi
echo "bootstrap: ready (venv $VENV, swift $(command -v swift)) — $detail"
