import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No SALESBOT_ variable or .env file of the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.startswith("SALESBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_settings_reads_prefixed_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESBOT_PORT", "9123")
    monkeypatch.setenv("SALESBOT_STORE_NAME", "Harbor Hardware")
    monkeypatch.setenv("SALESBOT_RATE_LIMIT_WINDOW", "2.5")
    settings = Settings()
    assert (settings.port, settings.store_name, settings.rate_limit_window) == (
        9123,
        "Harbor Hardware",
        2.5,
    )


def test_settings_reads_dotenv_file_in_working_directory(isolated: Path) -> None:
    (isolated / ".env").write_text("SALESBOT_TOP_K=7\nSALESBOT_HOST=0.0.0.0\n", encoding="utf-8")
    settings = Settings()
    assert (settings.top_k, settings.host) == (7, "0.0.0.0")


def test_settings_environment_wins_over_dotenv_file(
    monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    (isolated / ".env").write_text("SALESBOT_TOP_K=7\n", encoding="utf-8")
    monkeypatch.setenv("SALESBOT_TOP_K", "3")
    assert Settings().top_k == 3


def test_settings_ignores_unprefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9999")
    assert Settings().port == 8000


def test_settings_derives_paths_from_data_dir(
    monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    monkeypatch.setenv("SALESBOT_DATA_DIR", "shop-data")
    settings = Settings()
    data_dir = isolated.resolve() / "shop-data"
    assert settings.data_dir == data_dir
    assert settings.chroma_path == data_dir / "index"
    assert settings.database_url == f"sqlite:///{data_dir / 'dialogues.db'}"
    assert settings.model_dir == data_dir / "models" / "smollm2-135m-instruct"


def test_settings_keeps_explicit_chroma_path_and_database_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SALESBOT_CHROMA_PATH", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("SALESBOT_DATABASE_URL", "postgresql+psycopg://shop@db/log")
    settings = Settings()
    assert settings.chroma_path == tmp_path / "elsewhere"
    assert settings.database_url == "postgresql+psycopg://shop@db/log"


def test_settings_defaults_use_embedded_model() -> None:
    settings = Settings()
    assert settings.uses_embedded_model is True
    assert settings.engine_url == ""


@pytest.mark.parametrize("value", ["99999", "0", "abc"])
def test_settings_invalid_port_names_the_field(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SALESBOT_PORT", value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert [error["loc"] for error in caught.value.errors()] == [("port",)]


def test_settings_invalid_dotenv_value_names_the_field(isolated: Path) -> None:
    (isolated / ".env").write_text("SALESBOT_MIN_RELEVANCE=1.5\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert [error["loc"] for error in caught.value.errors()] == [("min_relevance",)]
