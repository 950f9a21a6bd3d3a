"""`salesbot finetune train` on the embedded model, tiny: a few examples, one or two epochs."""

import json
from pathlib import Path

import pytest

from bot.chat.phrase import slot_messages
from bot.config import Settings
from bot.prepare import model_path
from finetune.dataset import _write_jsonl
from finetune.train import Progress, TrainingError, TrainOptions, load_dataset_version, train
from tests.service import link_prepared_model

GREETING = "Welcome to Northwind! I'm Skye, ask me anything about gear."
THANKS = "Happy trails from all of us at Northwind!"


def dataset(folder: Path, copies: int = 4) -> Path:
    """A hand-made dataset version in the form `salesbot finetune dataset` writes."""
    folder.mkdir(parents=True)
    rows = [
        {"prompt": slot_messages("Northwind", slot), "completion": [
            {"role": "assistant", "content": text}]}
        for slot, text in (("greet", GREETING), ("thank", THANKS))
    ] * copies  # fmt: skip
    files = {
        "train.jsonl": _write_jsonl(folder / "train.jsonl", rows),
        "validation.jsonl": _write_jsonl(folder / "validation.jsonl", rows[:2]),
        "test.jsonl": _write_jsonl(folder / "test.jsonl", rows[:2]),
    }
    manifest = {"version": folder.name, "hash": "feedc0de" * 8, "files": files,
                "by_slot": {"greet": copies, "thank": copies}}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> str:
    data_dir = tmp_path_factory.mktemp("model")
    link_prepared_model(data_dir)  # the folder `salesbot setup` converted, when there is one
    return model_path(Settings(data_dir=data_dir))


def test_a_tiny_adapter_learns_the_shops_greeting_and_to_stop(base: str, tmp_path: Path) -> None:
    data = dataset(tmp_path / "ds-20261124-000000-feedc0de")
    steps: list[tuple[int, int]] = []
    options = TrainOptions(
        epochs=4, rank=4, alpha=8, learning_rate=3e-3, max_length=128, batch_size=2, patience=2
    )
    folder, record = train(
        data, base, tmp_path / "adapters", tmp_path / "runs", options,
        Progress(on_step=lambda done, total: steps.append((done, total))),
    )  # fmt: skip
    assert {"adapter_config.json", "adapter_model.safetensors", "training.json"} <= {
        p.name for p in folder.iterdir()
    }
    config = json.loads((folder / "adapter_config.json").read_text())
    assert config["r"] == 4 and sorted(config["target_modules"]) == ["q_proj", "v_proj"]
    assert steps and steps[-1][0] == steps[-1][1]
    assert [e["epoch"] for e in record["epochs"]] == [1.0, 2.0, 3.0, 4.0]
    # What it was taught became far more likely: validation loss fell well below the base's.
    assert record["best_validation_loss"] < 0.5 * record["validation_loss_before"]
    assert not list((tmp_path / "runs").glob("*/checkpoint-*"))  # cleaned up once written

    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base)
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), str(folder))
    prompt = tokenizer.apply_chat_template(
        slot_messages("Northwind", "greet"), add_generation_prompt=True, return_tensors="pt",
        return_dict=True,
    )  # fmt: skip
    out = model.generate(**prompt, max_new_tokens=40, do_sample=False)
    written = out[0][prompt["input_ids"].shape[1] :].tolist()
    greeting = tokenizer.decode(written, skip_special_tokens=True).strip()
    assert greeting.startswith("Welcome to Northwind!") and "Skye" in greeting, greeting
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") in written  # it learned to stop
    with model.disable_adapter():
        before = model.generate(**prompt, max_new_tokens=40, do_sample=False)
    untaught = tokenizer.decode(before[0][prompt["input_ids"].shape[1] :], skip_special_tokens=True)
    # The base model greets in its own words (it knows the store's name from the prompt).
    assert "Skye" not in untaught and not untaught.startswith("Welcome to Northwind!")


def test_a_changed_dataset_file_and_bad_options_are_refused_before_training(
    base: str, tmp_path: Path
) -> None:
    data = dataset(tmp_path / "ds-20261124-000001-feedc0de")
    load_dataset_version(data)
    with (data / "train.jsonl").open("a") as extra:
        extra.write('{"prompt": [], "completion": []}\n')
    with pytest.raises(TrainingError, match="changed after it was built"):
        train(data, base, tmp_path / "adapters", tmp_path / "runs")
    with pytest.raises(TrainingError, match="rank is 1 to 256"):
        train(data, base, tmp_path / "adapters", tmp_path / "runs", TrainOptions(rank=0))
    with pytest.raises(TrainingError, match="not a dataset version"):
        train(tmp_path, base, tmp_path / "adapters", tmp_path / "runs")
    assert not (tmp_path / "adapters").exists()
