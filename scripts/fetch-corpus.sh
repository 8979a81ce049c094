#!/usr/bin/env bash
# Fetches the third-party model corpus that Lockstep's tests use as an oracle, into a cache outside
# git (${LOCKSTEP_CACHE:-~/.cache/lockstep}/corpus, see scripts/lib.sh). Never committed.
#
#   wheels/   pinned wheels, `pip download --no-deps`: onnx==1.23.2, rapidocr-onnxruntime==1.4.4,
#             mediapipe==0.10.14 (the CPython 3.11 manylinux x86_64 wheel whatever the host, ~36 MB)
#   corpus/light, pytorch-converted, pytorch-operator, real, simple
#             everything under onnx/backend/test/data/ in the onnx wheel (models, test_data_set_*,
#             data.json), relative paths kept
#   corpus/ppocr/       the PP-OCR models shipped in the rapidocr-onnxruntime wheel
#   corpus/node/        the ONNX backend node cases, materialised by scripts/materialize_node_tests.py
#   corpus/mediapipe/   the 14 .tflite models under mediapipe/modules/ in the mediapipe wheel,
#                       relative paths below mediapipe/modules/ kept
#   corpus/reference.json, manifest.txt   written by scripts/corpus_reference.py (.onnx)
#   corpus/tflite-reference.json          written by scripts/tflite_reference.py (.tflite)
#   corpus/goldens/ort/, goldens/litert/  golden outputs of ONNX Runtime (scripts/make_ort_goldens.py)
#                       and LiteRT's reference kernels (scripts/make_litert_goldens.py)
#
# Idempotent: every step leaves a stamp in corpus/.stamps (or wheels/) naming what it was made
# from, so a second run does no download and no work and needs no network.
# Usage: bash scripts/fetch-corpus.sh [--force]   (--force redoes every step)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FORCE=0
case "${1:-}" in
    "") ;;
    --force) FORCE=1 ;;
    *) echo "usage: bash scripts/fetch-corpus.sh [--force]" >&2; exit 2 ;;
esac

bash "$ROOT/scripts/bootstrap.sh" >/dev/null

ONNX_PIN="onnx==1.23.2"
RAPIDOCR_PIN="rapidocr-onnxruntime==1.4.4"
MEDIAPIPE_PIN="mediapipe==0.10.14"
# The .tflite files are the same in every mediapipe wheel; always take one fixed wheel so the corpus
# does not depend on the venv's Python version or the host's architecture.
MEDIAPIPE_WHEEL_ARGS=(--python-version 3.11 --implementation cp --abi cp311 --platform manylinux_2_17_x86_64)
WHEELS="$LOCKSTEP_CACHE/wheels"
STAMPS="$CORPUS/.stamps"
mkdir -p "$WHEELS" "$CORPUS" "$STAMPS"

say() { echo "fetch-corpus: $*" >&2; }
die() { say "error: $*"; exit 1; }

# stamp_ok NAME VALUE: the step NAME was already done from VALUE.
stamp_ok() { [[ $FORCE -eq 0 && -f "$STAMPS/$1" && "$(cat "$STAMPS/$1")" == "$2" ]]; }
stamp_set() { printf '%s\n' "$2" >"$STAMPS/$1"; }

# wheel PIN [PIP_ARGS...]: prints the path of the pinned wheel, downloading it (with the extra
# `pip download` arguments, if any) only when not there yet.
wheel() {
    local pin="$1" stamp="$WHEELS/.stamp-${1//[^A-Za-z0-9._-]/_}" file
    shift
    if [[ $FORCE -eq 0 && -f "$stamp" ]]; then
        file="$WHEELS/$(cat "$stamp")"
        if [[ -f "$file" ]]; then
            echo "$file"
            return
        fi
    fi
    local tmp
    tmp="$(mktemp -d "$WHEELS/.download.XXXXXX")"
    say "downloading $pin"
    if ! "$PY" -m pip download -q --no-deps --disable-pip-version-check --only-binary=:all: "$@" -d "$tmp" "$pin" >&2; then
        rm -rf "$tmp"
        die "pip download $pin failed (network to PyPI needed on the first run)"
    fi
    file="$(find "$tmp" -maxdepth 1 -name '*.whl' | head -n 1)"
    [[ -n "$file" ]] || { rm -rf "$tmp"; die "pip download $pin produced no wheel"; }
    mv -f "$file" "$WHEELS/"
    rm -rf "$tmp"
    basename "$file" >"$stamp"
    echo "$WHEELS/$(basename "$file")"
}

# extract WHEEL PREFIX DEST [SUFFIX]: unpacks the wheel's members under PREFIX into DEST, relative
# to PREFIX; with SUFFIX only the members whose names end with it. DEST is replaced atomically.
extract() {
    "$PY" - "$@" <<'PY'
import os, shutil, sys, zipfile
wheel, prefix, dest = sys.argv[1:4]
suffix = sys.argv[4] if len(sys.argv) > 4 else ""
tmp = dest.rstrip("/") + ".tmp"
shutil.rmtree(tmp, ignore_errors=True)
count = 0
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if info.is_dir() or not name.startswith(prefix) or not name.endswith(suffix):
            continue
        rel = os.path.normpath(name[len(prefix):])
        if rel.startswith("..") or os.path.isabs(rel):
            sys.exit(f"unsafe member {name!r} in {wheel}")
        target = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out)
        count += 1
if count == 0:
    sys.exit(f"nothing under {prefix!r} in {wheel}")
shutil.rmtree(dest, ignore_errors=True)
os.replace(tmp, dest)
PY
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

start=$SECONDS

# --- (a) onnx backend test data ------------------------------------------------------------
ONNX_WHEEL="$(wheel "$ONNX_PIN")"
ONNX_DATA_FOLDERS=(light pytorch-converted pytorch-operator real simple)
key="$(basename "$ONNX_WHEEL") $(sha "$ONNX_WHEEL")"
have_all() { local f; for f in "$@"; do [[ -d "$CORPUS/$f" ]] || return 1; done; }
if ! stamp_ok onnx-data "$key" || ! have_all "${ONNX_DATA_FOLDERS[@]}"; then
    say "extracting onnx/backend/test/data from $(basename "$ONNX_WHEEL")"
    for folder in "${ONNX_DATA_FOLDERS[@]}"; do
        extract "$ONNX_WHEEL" "onnx/backend/test/data/$folder/" "$CORPUS/$folder"
    done
    stamp_set onnx-data "$key"
fi

# --- (b) PP-OCR models from rapidocr-onnxruntime -------------------------------------------
RAPIDOCR_WHEEL="$(wheel "$RAPIDOCR_PIN")"
key="$(basename "$RAPIDOCR_WHEEL") $(sha "$RAPIDOCR_WHEEL")"
if ! stamp_ok ppocr "$key" || ! have_all ppocr; then
    say "extracting PP-OCR models from $(basename "$RAPIDOCR_WHEEL")"
    extract "$RAPIDOCR_WHEEL" "rapidocr_onnxruntime/models/" "$CORPUS/ppocr" ".onnx"
    stamp_set ppocr "$key"
fi

# --- (c) ONNX backend node cases -----------------------------------------------------------
key="onnx $("$PY" -c 'import onnx, ml_dtypes; print(onnx.__version__, ml_dtypes.__version__)') $(sha "$ROOT/scripts/materialize_node_tests.py")"
if ! stamp_ok node "$key" || ! have_all node; then
    say "materialising the ONNX backend node cases"
    "$PY" "$ROOT/scripts/materialize_node_tests.py" "$CORPUS/node" >&2
    stamp_set node "$key"
fi

# --- (d) TFLite models from mediapipe ------------------------------------------------------
MEDIAPIPE_WHEEL="$(wheel "$MEDIAPIPE_PIN" "${MEDIAPIPE_WHEEL_ARGS[@]}")"
key="$(basename "$MEDIAPIPE_WHEEL") $(sha "$MEDIAPIPE_WHEEL")"
if ! stamp_ok mediapipe "$key" || ! have_all mediapipe; then
    say "extracting the .tflite models from $(basename "$MEDIAPIPE_WHEEL")"
    extract "$MEDIAPIPE_WHEEL" "mediapipe/modules/" "$CORPUS/mediapipe" ".tflite"
    stamp_set mediapipe "$key"
fi

# --- reference facts -----------------------------------------------------------------------
# Redone when any model, or the script, changed (paths, sizes and mtimes of every .onnx).
key="$(
    {
        sha "$ROOT/scripts/corpus_reference.py"
        cd "$CORPUS" && find . -name '*.onnx' -not -path './.*' -not -path '*.tmp/*' -printf '%p %s %T@\n' | LC_ALL=C sort
    } | sha256sum | cut -d' ' -f1
)"
if ! stamp_ok reference "$key" || [[ ! -f "$CORPUS/reference.json" || ! -f "$CORPUS/manifest.txt" ]]; then
    "$PY" "$ROOT/scripts/corpus_reference.py" "$CORPUS" >&2
    stamp_set reference "$key"
fi

# The same for every .tflite (tflite package facts, LiteRT cross-check printed).
key="$(
    {
        sha "$ROOT/scripts/tflite_reference.py"
        cd "$CORPUS" && find . -name '*.tflite' -not -path './.*' -not -path '*.tmp/*' -printf '%p %s %T@\n' | LC_ALL=C sort
    } | sha256sum | cut -d' ' -f1
)"
if ! stamp_ok tflite-reference "$key" || [[ ! -f "$CORPUS/tflite-reference.json" ]]; then
    "$PY" "$ROOT/scripts/tflite_reference.py" "$CORPUS" >&2
    stamp_set tflite-reference "$key"
fi

# --- ONNX Runtime goldens for the interpreter's real-model test ------------------------------
# Redone when the script or the pinned requirements change.
key="$( { sha "$ROOT/scripts/make_ort_goldens.py"; sha "$ROOT/scripts/requirements.txt"; } | sha256sum | cut -d' ' -f1 )"
if ! stamp_ok ort-goldens "$key" || [[ ! -d "$CORPUS/goldens/ort" ]]; then
    rm -rf "$CORPUS/goldens/ort"
    "$PY" "$ROOT/scripts/make_ort_goldens.py" "$CORPUS" 2>/dev/null >&2
    stamp_set ort-goldens "$key"
fi

# --- LiteRT goldens for the TFLite interpreter's real-model test -----------------------------
# Redone when the script or the pinned requirements change.
key="$( { sha "$ROOT/scripts/make_litert_goldens.py"; sha "$ROOT/scripts/requirements.txt"; } | sha256sum | cut -d' ' -f1 )"
if ! stamp_ok litert-goldens "$key" || [[ ! -d "$CORPUS/goldens/litert" ]]; then
    rm -rf "$CORPUS/goldens/litert"
    "$PY" "$ROOT/scripts/make_litert_goldens.py" "$CORPUS" 2>/dev/null >&2
    stamp_set litert-goldens "$key"
fi

# --- summary -------------------------------------------------------------------------------
total=0
for folder in "${ONNX_DATA_FOLDERS[@]}" ppocr node; do
    n="$(find "$CORPUS/$folder" -name '*.onnx' | wc -l)"
    total=$((total + n))
    printf '  %-18s %5d models\n' "$folder" "$n"
done
if [[ -f "$CORPUS/node/skipped.txt" ]]; then
    printf '  %-18s %5d data sets skipped (node/skipped.txt)\n' "" "$(grep -vc '^#' "$CORPUS/node/skipped.txt" || true)"
fi
tflite_total="$(find "$CORPUS/mediapipe" -name '*.tflite' | wc -l)"
printf '  %-18s %5d models (.tflite)\n' mediapipe "$tflite_total"
echo "corpus: $total ONNX + $tflite_total TFLite models in $CORPUS ($((SECONDS - start)) s)"
