#!/usr/bin/env bash
# Create or update the virtual environment with the core, every domain and plugin package,
# and the test tools. Idempotent: a second run with unchanged pyproject files does nothing.
#
#   TORCH_SPEC   what to install for torch when the venv has none (default: torch==2.13.0,
#                the CPU build; on a CUDA machine use e.g. TORCH_SPEC=torch)
#   VENV         where the virtual environment lives (default: .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
PY="$VENV/bin/python"

[ -x "$PY" ] || python3 -m venv "$VENV"

shopt -s nullglob
packages=(".[test,serve]")
manifests=(pyproject.toml)
for manifest in domains/*/pyproject.toml plugins/*/pyproject.toml; do
  packages+=("./$(dirname "$manifest")")
  manifests+=("$manifest")
done

stamp="$VENV/.react-setup"
want=$(cat "${manifests[@]}" scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup: $VENV is up to date"
  exit 0
fi

"$PY" -m pip install -q --upgrade pip
if ! "$PY" -c "import torch" 2>/dev/null; then
  echo "setup: installing $TORCH_SPEC"
  "$PY" -m pip install -q "$TORCH_SPEC"
fi
echo "setup: installing ${packages[*]}"
editable=()
for p in "${packages[@]}"; do editable+=(-e "$p"); done
"$PY" -m pip install -q "${editable[@]}"
echo "$want" > "$stamp"
echo "setup: done ($("$PY" -c 'import torch; print("torch", torch.__version__)'))"
