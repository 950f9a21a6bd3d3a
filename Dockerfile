# GPU production image. It runs the set-up and serve commands the tests exercise
# (tests/test_deploy.py checks them against the tree); only the engine wheel differs: the
# regular `vllm`, which brings CUDA torch and the nvidia-* runtime libraries through pip, so the
# host needs only the NVIDIA driver and the NVIDIA Container Toolkit (`docker run --gpus all`).
# Not built in CI: the development machines have no Docker engine and no GPU. See docs/deploy.md.
FROM python:3.11.14-slim-bookworm

# Triton (under vLLM) compiles its small CUDA launchers with the system C compiler at run time.
# Versions are not pinned: Debian replaces them with each point release; the base tag fixes
# the release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*

# The service runs as `salesbot` (uid 10001); the code and the virtual environment stay
# root's, read-only to it. Everything it writes is under /data (model folder, Hugging Face cache, adapters and,
# without a database or Chroma server, the log and the index).
RUN useradd --system --uid 10001 --user-group --create-home salesbot \
    && install -d -o salesbot -g salesbot /data

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY bot bot
COPY retrieval retrieval
COPY finetune finetune
COPY widget widget
COPY scripts scripts

ENV PATH=/app/.venv/bin:$PATH \
    SALESBOT_DATA_DIR=/data \
    SALESBOT_HOST=0.0.0.0 \
    SALESBOT_ENGINE_ARGS="--gpu-memory-utilization 0.85" \
    HF_HOME=/data/huggingface \
    PIP_NO_CACHE_DIR=1

# The pinned tree with the GPU engine and PostgreSQL driver into /app/.venv, then the embedded
# model and demo catalog prepared in /data (a new named volume starts with them).
RUN SALESBOT_ENGINE=gpu SALESBOT_EXTRAS=postgres scripts/setup.sh \
    && chown -R salesbot:salesbot /data

USER 10001:10001
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=600s \
    CMD ["/app/.venv/bin/python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/health' % os.environ.get('SALESBOT_PORT', '8000'), timeout=5)"]
CMD ["/app/.venv/bin/salesbot", "serve"]
