"""The deployment files run what the tests run: the Dockerfile's set-up, serve and health
commands are the tested ones, and docker-compose.yml points the replicas at shared parts with
settings that exist. Neither is built here (no Docker engine, no GPU): they are read."""

import json
import os
import re
import shlex
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from bot.config import Settings
from bot.engine.process import engine_command, engine_env
from tests.service import Service, free_port

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
# What compose would read from `.env`: the required secrets get sample values.
SAMPLE_ENV = {"SALESBOT_SECRET_KEY": "s" * 43, "POSTGRES_PASSWORD": "sample-password"}


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments left out."""
    found: list[tuple[str, str]] = []
    pending = ""
    for line in (REPO / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or not stripped:
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, rest = (pending + stripped).partition(" ")
        found.append((keyword.upper(), rest.strip()))
        pending = ""
    return found


def only(keyword: str) -> str:
    matches = [rest for key, rest in dockerfile() if key == keyword]
    assert len(matches) == 1, f"one {keyword} expected, found {matches}"
    return matches[0]


def image_path(path: str) -> Path:
    """The image's /app is this checkout (WORKDIR /app; COPY keeps the layout)."""
    workdir = only("WORKDIR")
    assert path.startswith(workdir + "/"), f"{path} is not under WORKDIR {workdir}"
    return REPO / path.removeprefix(workdir + "/")


def healthcheck() -> list[str]:
    options, _, command = only("HEALTHCHECK").partition(" CMD ")
    assert command, "HEALTHCHECK needs a CMD"
    argv = json.loads(command)
    return [str(image_path(arg)) if arg.startswith("/app/") else arg for arg in argv]


def settings_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings as a process with exactly these SALESBOT_* variables reads them."""
    for name in list(os.environ):
        if name.startswith("SALESBOT_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)  # type: ignore[call-arg]


def assert_real_settings(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    ours = {name: value for name, value in env.items() if name.startswith("SALESBOT_")}
    unknown = [n for n in ours if n.removeprefix("SALESBOT_").lower() not in Settings.model_fields]
    assert not unknown, f"not settings of bot.config.Settings (ignored when set): {unknown}"
    return settings_from(ours, monkeypatch)  # raises ValidationError for a value that fails


# -- Dockerfile ----------------------------------------------------------------------------


def test_hadolint_passes_and_would_catch_a_bad_dockerfile(tmp_path: Path) -> None:
    hadolint = str(VENV_BIN / "hadolint")
    result = subprocess.run([hadolint, "Dockerfile"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install gcc\n")
    result = subprocess.run([hadolint, str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "DL3007" in result.stdout


def test_base_image_is_the_python_the_project_requires() -> None:
    image = only("FROM")
    name, _, tag = image.partition(":")
    assert name == "python" and tag.startswith("3.11.") and tag.endswith("-slim-bookworm"), image
    assert PYPROJECT["project"]["requires-python"] == ">=3.11,<3.12"


def test_the_set_up_is_the_script_ci_runs() -> None:
    runs = [rest for key, rest in dockerfile() if key == "RUN" and "scripts/setup.sh" in rest]
    assert len(runs) == 1, runs
    first = shlex.split(runs[0].split("&&")[0])
    assignments = dict(word.split("=", 1) for word in first if "=" in word)
    command = [word for word in first if "=" not in word]
    assert command == ["scripts/setup.sh"], command
    assert "scripts/setup.sh" in (REPO / ".ci" / "run").read_text()
    script = (REPO / "scripts" / "setup.sh").read_text()
    for name in assignments:  # variables the script really reads
        assert "${" + name in script, f"scripts/setup.sh does not read {name}"
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert assignments["SALESBOT_ENGINE"] == "gpu" and "gpu" in extras
    for extra in assignments.get("SALESBOT_EXTRAS", "").split(","):
        assert extra in extras, f"no extra {extra!r} in pyproject.toml"


def test_copy_sources_exist_and_cover_what_the_set_up_reads() -> None:
    copied: set[str] = set()
    ignored = {line.strip().rstrip("/") for line in (REPO / ".dockerignore").read_text().split()}
    for rest in (rest for key, rest in dockerfile() if key == "COPY"):
        *sources, _target = shlex.split(rest)
        for source in sources:
            assert (REPO / source).exists(), f"COPY source {source} is not in the tree"
            assert source.rstrip("/") not in ignored, f"{source} is in .dockerignore"
            copied.add(source.rstrip("/"))
    packages = {
        p.rstrip("*") for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    needed = packages | {"pyproject.toml", "constraints.txt", PYPROJECT["project"]["readme"]}
    needed |= {"scripts"}
    assert needed <= copied, f"not copied: {needed - copied}"


def test_cmd_is_the_installed_console_script() -> None:
    argv = json.loads(only("CMD"))
    executable = image_path(argv[0])
    assert executable == VENV_BIN / "salesbot" and executable.is_file()
    assert PYPROJECT["project"]["scripts"][executable.name] == "bot.cli:app"
    result = subprocess.run(
        [str(executable), *argv[1:], "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and " serve " in result.stdout


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for rest in (rest for key, rest in dockerfile() if key == "ENV"):
        env |= dict(word.split("=", 1) for word in shlex.split(rest))
    return env


def test_env_names_are_settings_with_valid_values(monkeypatch: pytest.MonkeyPatch) -> None:
    env = image_env()
    assert any(name.startswith("SALESBOT_") for name in env)
    settings = assert_real_settings(env, monkeypatch)
    assert str(settings.data_dir) == env["SALESBOT_DATA_DIR"] == only("VOLUME")
    assert settings.port == int(only("EXPOSE"))


@pytest.mark.engine
def test_healthcheck_passes_on_the_running_service_and_fails_without_it(service: Service) -> None:
    argv = healthcheck()
    assert Path(argv[0]) == VENV_BIN / "python"
    up = subprocess.run(
        argv, env={**os.environ, "SALESBOT_PORT": str(service.port)}, capture_output=True,
        timeout=30,
    )  # fmt: skip
    assert up.returncode == 0, up.stderr
    down = subprocess.run(
        argv, env={**os.environ, "SALESBOT_PORT": str(free_port())}, capture_output=True,
        timeout=30,
    )  # fmt: skip
    assert down.returncode != 0


# -- docker-compose.yml ---------------------------------------------------------------------


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default}, ${NAME:?error} and $$, with `env` as `.env`."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.group(1), match.group(2), match.group(3)
        if name in env:
            return env[name]
        assert operator != ":?", f"{name} is required: {argument}"
        return argument if operator == ":-" else ""

    return re.sub(r"\$\$|\$\{(\w+)(?:(:[-?])([^}]*))?\}", one, value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def environment(service: dict) -> dict[str, str]:
    return {name: interpolate(str(v), SAMPLE_ENV) for name, v in service["environment"].items()}


def replica_settings(compose: dict, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A replica's settings: the image's ENV under the compose file's environment."""
    env = environment(compose["services"]["salesbot"])
    assert_real_settings(env, monkeypatch)
    return assert_real_settings(image_env() | env, monkeypatch)


def flags(argv: list[str]) -> dict[str, str | None]:
    """--name value pairs of a command line; a flag followed by another flag maps to None."""
    found: dict[str, str | None] = {}
    for i, word in enumerate(argv):
        if word.startswith("--"):
            following = argv[i + 1] if i + 1 < len(argv) else None
            found[word] = None if following is None or following.startswith("--") else following
    return found


def test_replicas_use_the_shared_engine_index_and_log(
    compose: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = compose["services"]
    replicas = services["salesbot"]
    assert replicas["build"] == "." and (REPO / "Dockerfile").is_file()
    assert replicas["deploy"]["replicas"] >= 2
    env = environment(replicas)
    settings = replica_settings(compose, monkeypatch)

    engine = urlsplit(settings.engine_url)  # set: no replica starts an engine of its own
    engine_port = flags(services[engine.hostname]["command"])["--port"]
    assert services[engine.hostname]["image"].startswith("vllm/vllm-openai:")
    assert engine.port == int(engine_port or 0)

    chroma = urlsplit(settings.chroma_url)
    assert services[chroma.hostname]["image"].startswith("chromadb/chroma:")
    assert services[chroma.hostname]["volumes"]

    database = urlsplit(settings.database_url)
    postgres = services[database.hostname]
    postgres_env = environment(postgres)
    assert database.scheme == "postgresql+psycopg"
    assert database.username == postgres_env["POSTGRES_USER"]
    assert database.password == postgres_env["POSTGRES_PASSWORD"]
    assert database.path == "/" + postgres_env["POSTGRES_DB"]
    assert postgres["image"].startswith("postgres:17") and postgres["volumes"]
    assert "psycopg[binary]" in str(PYPROJECT["project"]["optional-dependencies"]["postgres"])

    # Secrets come from .env, the same on every replica (one service, one environment).
    raw = replicas["environment"]
    assert raw["SALESBOT_SECRET_KEY"].startswith("${SALESBOT_SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in raw["SALESBOT_DATABASE_URL"]
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert settings.secret_key == SAMPLE_ENV["SALESBOT_SECRET_KEY"]

    # The one-shot set-up migrates and seeds the same shared parts before replicas start.
    assert environment(services["setup"]) == env
    assert replicas["depends_on"]["setup"]["condition"] == "service_completed_successfully"


def test_images_are_the_tested_versions(compose: dict) -> None:
    services = compose["services"]
    vllm = PYPROJECT["project"]["optional-dependencies"]["gpu"][0].removeprefix("vllm==")
    assert services["engine"]["image"] == f"vllm/vllm-openai:v{vllm}"
    pins = dict(
        line.split("==") for line in (REPO / "constraints.txt").read_text().split() if "==" in line
    )
    assert services["chroma"]["image"] == f"chromadb/chroma:{pins['chromadb']}"


def test_engine_serves_what_the_replicas_ask_for(
    compose: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = compose["services"]["engine"]
    settings = replica_settings(compose, monkeypatch)
    served = flags([interpolate(str(word), {}) for word in engine["command"]])
    # What `salesbot serve` would start for these settings, LoRA updating included.
    started = flags(engine_command(settings, "MODEL"))
    for flag in ("--served-model-name", "--max-model-len", "--enable-lora", "--max-loras",
                 "--max-cpu-loras", "--max-lora-rank"):  # fmt: skip
        assert flag in started and served.get(flag, "missing") == started[flag], flag
    assert (
        engine["environment"]["VLLM_ALLOW_RUNTIME_LORA_UPDATING"]
        == engine_env(settings)["VLLM_ALLOW_RUNTIME_LORA_UPDATING"]
    )
    # The default model is the folder the replicas (and `salesbot setup`) prepare on /data.
    assert settings.uses_embedded_model and served["--model"] == str(settings.model_dir)
    assert (
        "data:/data:ro" in engine["volumes"]
        and "data:/data" in compose["services"]["salesbot"]["volumes"]
    )
    (gpu,) = engine["deploy"]["resources"]["reservations"]["devices"]
    assert gpu["driver"] == "nvidia" and "gpu" in gpu["capabilities"]


def test_proxy_publishes_one_loopback_port_and_passes_websockets(
    compose: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = compose["services"]["proxy"]
    (port,) = proxy["ports"]
    address, published, target = interpolate(port, {}).split(":")
    assert address == "127.0.0.1" and published == "8000"
    config = interpolate(compose["configs"][proxy["configs"][0]["source"]]["content"], {})
    assert f"listen {target};" in config
    settings = replica_settings(compose, monkeypatch)
    assert f"server salesbot:{settings.port} " in config  # the replicas' service and port
    for header in ("Upgrade $http_upgrade", "Connection $connection_upgrade", "Host $http_host"):
        assert f"proxy_set_header {header};" in config, header
    for name, other in compose["services"].items():
        assert name == "proxy" or "ports" not in other, f"{name} publishes a port"
