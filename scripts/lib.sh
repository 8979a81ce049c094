# Shared paths for Lockstep's scripts. Source it: `. "$(dirname "$0")/lib.sh"`.
# Sets shell variables only (nothing is exported):
#   ROOT            the repository root
#   LOCKSTEP_CACHE  cache outside git (default ~/.cache/lockstep)
#   VENV, PY        the Python venv and its interpreter
#   CORPUS          downloaded / materialised third-party models
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCKSTEP_CACHE="${LOCKSTEP_CACHE:-${HOME:-/root}/.cache/lockstep}"
VENV="$LOCKSTEP_CACHE/venv"
PY="$VENV/bin/python"
CORPUS="$LOCKSTEP_CACHE/corpus"
