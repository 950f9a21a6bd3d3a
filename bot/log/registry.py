"""The adapter registry, kept in the dialogue log's database so that every service replica sees
the same serving version: candidates, the one serving (at most one; none is the base model),
the retired, and the history of switches that rollback follows back."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.log.models import Adapter, AdapterSwitch, utcnow
from bot.log.store import NotFound

CANDIDATE, SERVING, RETIRED, CANARY = "candidate", "serving", "retired", "canary"
TRAINING_FILE = "training.json"  # what `salesbot finetune train` writes beside the weights


class RegistryError(ValueError):
    """A registry change that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Serving:
    """What a turn needs to know about the serving adapter."""

    name: str
    path: str
    slots: frozenset[str]
    taught: tuple[str, ...] = ()  # the voice replies it learned: words the guard lets it use
    # Served through its merged weights (`salesbot finetune merge`): the folder an engine of
    # its own runs; None: loaded as a LoRA adapter into the base model's engine.
    merged: str | None = None

    @classmethod
    def of(cls, row: Adapter, *, as_adapter: bool = False) -> "Serving":
        """`as_adapter`: never through merged weights (a canary is always an adapter)."""
        merged = row.merged_path if row.serve_merged and row.merged_path else None
        merged = None if as_adapter else merged
        taught = tuple(row.training.get("voice_texts", []))
        return cls(row.name, row.path, frozenset(row.slots), taught, merged)

    @property
    def request_model(self) -> str | None:
        """The model name a turn asks the engine for: the adapter's, or (merged: the engine
        runs it as its own weights) the base name, None."""
        return None if self.merged else self.name


class AdapterRegistry:
    def __init__(self, sessions: sessionmaker[Session]):
        self._sessions = sessions

    def register(self, name: str, path: str, training: dict[str, Any]) -> Adapter:
        """Add a trained adapter as a candidate (again: nothing changes)."""
        with self._sessions.begin() as db:
            if (row := db.get(Adapter, name)) is not None:
                return row
            row = Adapter(
                name=name,
                path=path,
                base_model=str(training.get("base_model", "")),
                dataset=str(training.get("dataset", "")),
                rank=int(training.get("options", {}).get("rank", 0)),
                slots=list(training.get("slots", [])),
                training=training,
                status=CANDIDATE,
            )
            db.add(row)
            return row

    def get(self, name: str) -> Adapter:
        with self._sessions() as db:
            if (row := db.get(Adapter, name)) is None:
                raise NotFound(
                    f"There is no adapter {name!r} in the registry; `salesbot finetune list` "
                    "shows them."
                )
            return row

    def all(self) -> list[Adapter]:
        with self._sessions() as db:
            return list(db.scalars(select(Adapter).order_by(Adapter.created_at)))

    def switches(self) -> list[AdapterSwitch]:
        with self._sessions() as db:
            return list(db.scalars(select(AdapterSwitch).order_by(AdapterSwitch.id)))

    def serving(self) -> Serving | None:
        with self._sessions() as db:
            row = db.scalars(select(Adapter).where(Adapter.status == SERVING)).first()
            return None if row is None else Serving.of(row)

    def canary(self) -> tuple[Serving, float] | None:
        """The version tried on a share of new conversations, and that share."""
        with self._sessions() as db:
            row = db.scalars(select(Adapter).where(Adapter.status == CANARY)).first()
            if row is None:
                return None
            return Serving.of(row, as_adapter=True), row.canary_share or 0.0

    def start_canary(self, name: str, share: float, *, by: str) -> None:
        if not 0 < share < 1:
            raise RegistryError(f"The canary share is between 0 and 1 (0.1 = 10%), not {share}.")
        with self._sessions.begin() as db:
            row = db.get(Adapter, name)
            if row is None:
                raise NotFound(f"There is no adapter {name!r} in the registry.")
            if row.status == SERVING:
                raise RegistryError(f"{name} is already serving every conversation.")
            other = db.scalars(select(Adapter).where(Adapter.status == CANARY)).first()
            if other is not None and other.name != name:
                raise RegistryError(
                    f"{other.name} is the canary now; stop it first (`salesbot finetune canary "
                    "--stop`) or promote it."
                )
            row.status, row.canary_share = CANARY, share
            db.add(AdapterSwitch(action="canary", from_adapter=None, to_adapter=name, by=by))

    def stop_canary(self, *, by: str) -> str:
        with self._sessions.begin() as db:
            row = db.scalars(select(Adapter).where(Adapter.status == CANARY)).first()
            if row is None:
                raise RegistryError("There is no canary running.")
            row.status, row.canary_share = CANDIDATE, None
            db.add(AdapterSwitch(action="canary_stop", from_adapter=row.name, to_adapter=None,
                                 by=by))  # fmt: skip
            return row.name

    def record_evaluation(self, name: str, evaluation: dict[str, Any]) -> None:
        with self._sessions.begin() as db:
            if (row := db.get(Adapter, name)) is None:
                raise NotFound(f"There is no adapter {name!r} in the registry.")
            row.evaluation = evaluation

    def set_merged(self, name: str, path: str) -> None:
        """Record where `salesbot finetune merge` folded the adapter into the base model."""
        with self._sessions.begin() as db:
            if (row := db.get(Adapter, name)) is None:
                raise NotFound(f"There is no adapter {name!r} in the registry.")
            row.merged_path = path

    def switch(
        self, to: str | None, *, action: str, by: str, merged: bool | None = None
    ) -> str | None:
        """Make `to` (None: the base model) the serving version, through its merged weights
        when `merged` (None: as it served before); returns the one it replaced."""
        with self._sessions.begin() as db:
            current = db.scalars(select(Adapter).where(Adapter.status == SERVING)).first()
            if to is not None:
                target = db.get(Adapter, to)
                if target is None:
                    raise NotFound(f"There is no adapter {to!r} in the registry.")
                if merged and not target.merged_path:
                    raise RegistryError(
                        f"{to} has no merged model yet: run `salesbot finetune merge {to}`."
                    )
                same_way = merged is None or bool(target.serve_merged) == merged
                if current is not None and current.name == to and same_way:
                    raise RegistryError(f"{to} is already serving.")
                if merged is not None:
                    target.serve_merged = merged
                if current is not None and current.name == to:  # the same version, served
                    db.add(AdapterSwitch(action=action, from_adapter=to, to_adapter=to, by=by))
                    return to  # the other way (merged or as an adapter)
                target.status, target.promoted_at, target.retired_at = SERVING, utcnow(), None
                target.canary_share = None  # a canary promoted serves everyone
            elif current is None:
                raise RegistryError("The base model is already serving.")
            if current is not None:
                current.status, current.retired_at = RETIRED, utcnow()
            previous = current.name if current is not None else None
            db.add(AdapterSwitch(action=action, from_adapter=previous, to_adapter=to, by=by))
            return previous

    def rollback_target(self) -> str | None:
        """What served before the serving version was promoted: the adapter that promotion
        replaced, or the base model (None)."""
        with self._sessions() as db:
            current = db.scalars(select(Adapter).where(Adapter.status == SERVING)).first()
            if current is None:
                raise RegistryError("Nothing to roll back: the base model is serving.")
            promoted = db.scalars(
                select(AdapterSwitch)
                .where(
                    AdapterSwitch.action == "promote",
                    AdapterSwitch.to_adapter == current.name,
                    # not a switch of the same version between merged and adapter serving
                    or_(
                        AdapterSwitch.from_adapter.is_(None),
                        AdapterSwitch.from_adapter != current.name,
                    ),
                )  # fmt: skip
                .order_by(AdapterSwitch.id.desc())
            ).first()
            return promoted.from_adapter if promoted is not None else None


def register_folders(registry: AdapterRegistry, root: Path) -> list[str]:
    """Register every trained adapter folder under `root` (already registered: unchanged);
    returns the folders that could not be read."""
    unreadable = []
    for folder in sorted(root.glob("ad-*")):
        try:
            record = json.loads((folder / TRAINING_FILE).read_text())
        except (OSError, json.JSONDecodeError):
            unreadable.append(folder.name)
            continue
        registry.register(folder.name, str(folder), record)
    return unreadable
