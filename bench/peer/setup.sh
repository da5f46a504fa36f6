#!/bin/sh
# Creates the benchmark's private Python environment (default .build/bench-venv) with
# moto's Step Functions emulation and boto3, only when it is missing or incomplete.
# Usage: bench/peer/setup.sh [VENV_DIR]    prints the venv's python path on stdout.
set -eu
VENV="${1:-.build/bench-venv}"
MOTO_VERSION="5.2.5"
PY="$VENV/bin/python"
if [ -x "$PY" ] && "$PY" -c "import moto, boto3, sys; sys.exit(0 if moto.__version__ == '$MOTO_VERSION' else 1)" 2>/dev/null; then
    echo "$PY"
    exit 0
fi
echo "setup: creating $VENV with moto[stepfunctions]==$MOTO_VERSION" >&2
mkdir -p "$(dirname "$VENV")"
python3 -m venv "$VENV"
"$PY" -m pip install --quiet --disable-pip-version-check "moto[stepfunctions]==$MOTO_VERSION" boto3 >&2
echo "$PY"
