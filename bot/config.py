"""Service settings, read from `SALESBOT_*` environment variables and a `.env` file."""

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EMBEDDED_MODEL = "embedded:smollm2-135m-instruct"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SALESBOT_", env_file=".env", extra="ignore")

    data_dir: Path = Path(".data")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)

    # Engine: empty URL means `salesbot serve` starts and supervises a vLLM server itself.
    engine_url: str = ""
    engine_port: int = Field(8100, ge=1, le=65535)
    engine_start_timeout: float = Field(600.0, gt=0)
    engine_request_timeout: float = Field(120.0, gt=0)
    engine_args: str = "--dtype float32 --enforce-eager --gpu-memory-utilization 0.5"
    engine_kv_cache_gib: int = Field(1, ge=1)
    # Serve fine-tuned LoRA adapters (`salesbot finetune promote`) with no restart. Off: the
    # base model only, a little faster on CPU.
    engine_lora: bool = True
    engine_max_lora_rank: int = Field(16, ge=1, le=512)
    adapter_poll_seconds: float = Field(1.0, gt=0)  # how soon replicas follow a promotion
    # The model: the embedded SmolLM2 default, or any Hugging Face model folder or name.
    model: str = EMBEDDED_MODEL
    served_model_name: str = "salesbot"
    max_model_len: int = Field(2048, ge=256)
    max_reply_tokens: int = Field(256, ge=1)
    temperature: float = Field(0.3, ge=0, le=2)

    database_url: str = ""  # empty: SQLite in the data directory
    # SQLite only: "normal" (a commit survives the service crashing or being killed; the last
    # moments before a power cut may not) or "full" (each commit also waits for the disk, and
    # each message for its commit: docs/benchmarks.md).
    sqlite_synchronous: Literal["normal", "full"] = "normal"
    chroma_path: Path | None = None  # empty: `index/` in the data directory
    chroma_url: str = ""  # a Chroma server, for several service replicas
    collection: str = "catalog"
    demo_catalog: bool = True  # ingest the shipped demo catalog when the index is empty

    store_name: str = "Northwind Outfitters"
    # The store's policies (returns, shipping, ...), quoted word for word; empty: none, and
    # policy questions go to a person.
    policy_file: Path | None = None
    log_raw_text: bool = False  # keep emails, phone and card numbers in the log as typed
    top_k: int = Field(4, ge=1, le=20)
    min_relevance: float = Field(0.35, ge=0, le=1)
    # A second, multilingual reading of the catalog for messages in another language than it
    # (USE multilingual v3: docs/quality.md); off saves its time at ingest (about a third more).
    multilingual: bool = True
    multilingual_relevance: float = Field(0.3, ge=0, le=1)
    max_message_chars: int = Field(2000, ge=1)
    max_frame_bytes: int = Field(16384, ge=64)
    max_body_bytes: int = Field(1_000_000, ge=1024)
    rate_limit_messages: int = Field(8, ge=1)  # per conversation, across reconnects
    rate_limit_window: float = Field(30.0, gt=0)
    rate_limit_ip_messages: int = Field(120, ge=1)  # per client address, same window
    max_active_answers: int = Field(64, ge=1)  # more at once: new messages get `overloaded`
    # An answer goes on this long with no tab of the shopper open (a reload or a dropped network
    # comes back within it), then it is stopped and its engine request aborted.
    abandon_after: float = Field(15.0, ge=0)
    # Web pages allowed to open the chat socket (the shop's own site, where the widget runs),
    # e.g. ["https://shop.example"]. The service's own pages are always allowed; with none
    # listed, pages on localhost are too. Clients that send no Origin (not browsers) are not
    # affected.
    allowed_origins: list[str] = []
    staff_session_hours: float = Field(12.0, gt=0, le=24 * 30)  # a staff sign-in lasts this long
    # Signs the resume tokens shoppers' browsers hold; empty: a random key kept in the data dir.
    secret_key: str = ""

    @model_validator(mode="after")
    def _resolve_paths(self) -> "Settings":
        self.data_dir = self.data_dir.expanduser().resolve()
        if self.chroma_path is None:
            self.chroma_path = self.data_dir / "index"
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'dialogues.db'}"
        return self

    @property
    def model_dir(self) -> Path:
        return self.data_dir / "models" / "smollm2-135m-instruct"

    @property
    def uses_embedded_model(self) -> bool:
        return self.model == EMBEDDED_MODEL
