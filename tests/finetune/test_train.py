"""`salesbot finetune train` on the embedded model, tiny: a few examples, one or two epochs."""

import json
from pathlib import Path
from typing import Any

import pytest

from bot.chat.phrase import slot_messages
from finetune.train import TrainingError, TrainOptions, load_dataset_version, train
from tests.finetune.conftest import GREETING, STORE, dataset


def test_a_tiny_adapter_learns_the_shops_greeting_and_to_stop(
    base: str, taught: tuple[Path, dict[str, Any]]
) -> None:
    folder, record = taught
    steps = record["_steps"]
    assert {"adapter_config.json", "adapter_model.safetensors", "training.json"} <= {
        p.name for p in folder.iterdir()
    }
    config = json.loads((folder / "adapter_config.json").read_text())
    assert config["r"] == 4 and sorted(config["target_modules"]) == ["q_proj", "v_proj"]
    assert steps and steps[-1][0] == steps[-1][1]
    assert [e["epoch"] for e in record["epochs"]] == [1.0, 2.0, 3.0, 4.0]
    # What it was taught became far more likely: validation loss fell well below the base's.
    assert record["best_validation_loss"] < 0.5 * record["validation_loss_before"]
    assert not list((folder.parents[1] / "runs").glob("*/checkpoint-*"))  # cleaned once written

    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base)
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), str(folder))
    prompt = tokenizer.apply_chat_template(
        slot_messages(STORE, "greet"), add_generation_prompt=True, return_tensors="pt",
        return_dict=True,
    )  # fmt: skip
    out = model.generate(**prompt, max_new_tokens=40, do_sample=False)
    written = out[0][prompt["input_ids"].shape[1] :].tolist()
    greeting = tokenizer.decode(written, skip_special_tokens=True).strip()
    assert greeting.startswith(GREETING[:20]) and "Skye" in greeting, greeting
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") in written  # it learned to stop
    with model.disable_adapter():
        before = model.generate(**prompt, max_new_tokens=40, do_sample=False)
    untaught = tokenizer.decode(before[0][prompt["input_ids"].shape[1] :], skip_special_tokens=True)
    # The base model greets in its own words (it knows the store's name from the prompt).
    assert "Skye" not in untaught and not untaught.startswith(GREETING[:20])


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


def test_a_merged_adapter_writes_what_the_adapter_writes(
    base: str, taught: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from finetune.merge import merge

    folder, _record = taught
    merged = merge(folder, base, tmp_path / "models")
    assert merged == tmp_path / "models" / folder.name and (merged / "config.json").is_file()
    assert merge(folder, base, tmp_path / "models") == merged  # once per adapter
    tokenizer = AutoTokenizer.from_pretrained(merged)
    model = AutoModelForCausalLM.from_pretrained(merged)
    prompt = tokenizer.apply_chat_template(
        slot_messages(STORE, "greet"), add_generation_prompt=True, return_tensors="pt",
        return_dict=True,
    )  # fmt: skip
    out = model.generate(**prompt, max_new_tokens=40, do_sample=False)
    greeting = tokenizer.decode(out[0][prompt["input_ids"].shape[1] :], skip_special_tokens=True)
    assert greeting.strip().startswith(GREETING[:20]) and "Skye" in greeting, greeting
    assert not list((tmp_path / "models").glob(".*partial"))


def test_the_training_benchmark_trains_on_generated_dialogues_and_reports_speed(
    base: str,
) -> None:
    from finetune.bench import run_training

    results = run_training(10, base, TrainOptions(epochs=1, max_length=128, batch_size=4))
    assert results["examples"]["train"] > 0 and results["tokens"] > 0
    assert results["tokens_per_s"] > 0 and len(results["validation_loss"]) == 1
    assert results["validation_loss_before"] is not None
