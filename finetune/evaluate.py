"""The gate before promotion: a candidate adapter against what serves now (the base model or the
serving adapter), on the dataset's held-out test conversations.

Measured for both, side by side: the loss on the test completions (and its perplexity), and the
share of greedy replies that end with the end-of-turn token before the token limit. The
candidate fails when it is worse than what serves by more than the allowed margins.
"""

import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from finetune.dataset import read_jsonl
from finetune.train import TrainingError, load_dataset_version

END_OF_TURN = "<|im_end|>"


@dataclass(frozen=True)
class Gate:
    max_loss_increase: float = 0.0  # relative: the candidate's test loss may exceed this much
    min_end_rate: float = 0.99  # replies that stop on their own, before the token limit
    max_new_tokens: int = 64
    # `salesbot eval`: a rate may fall (higher is better) or rise (lower is better) this much;
    # a count that must be zero (unsupported facts, contradictions...) may not rise at all.
    max_eval_drop: float = 0.02


@dataclass
class Measured:
    loss: float
    ended: int
    examples: int

    @property
    def perplexity(self) -> float:
        return math.exp(min(self.loss, 50.0))

    @property
    def end_rate(self) -> float:
        return self.ended / self.examples if self.examples else 0.0


def _test_rows(dataset_dir: Path) -> tuple[str, list[dict[str, Any]]]:
    for split in ("test", "validation"):
        rows = list(read_jsonl(dataset_dir / f"{split}.jsonl"))
        if rows:
            return split, rows
    raise TrainingError(
        f"The dataset {dataset_dir.name} holds no test or validation conversations to judge "
        "an adapter on; build a bigger dataset (more conversations, or a larger --test share)."
    )


def _measure(model: Any, tokenizer: Any, rows: list[dict[str, Any]], gate: Gate) -> Measured:
    import torch

    end = tokenizer.convert_tokens_to_ids(END_OF_TURN)
    total_loss, total_tokens, ended = 0.0, 0, 0
    model.eval()
    with torch.no_grad():
        for row in rows:
            prompt = tokenizer.apply_chat_template(
                row["prompt"], add_generation_prompt=True, tokenize=False
            )
            full = tokenizer.apply_chat_template(row["prompt"] + row["completion"], tokenize=False)
            prompt_ids = tokenizer(prompt, return_tensors="pt").input_ids
            # The completion as training saw it: everything after the prompt, end token included.
            full_ids = tokenizer(full.rstrip("\n"), return_tensors="pt").input_ids
            labels = full_ids.clone()
            labels[:, : prompt_ids.shape[1]] = -100
            learned = int((labels != -100).sum())
            out = model(input_ids=full_ids, labels=labels)
            total_loss += float(out.loss) * learned
            total_tokens += learned
            written = model.generate(
                input_ids=prompt_ids,
                attention_mask=torch.ones_like(prompt_ids),
                max_new_tokens=gate.max_new_tokens,
                do_sample=False,
                pad_token_id=tokenizer.pad_token_id or end,
            )[0, prompt_ids.shape[1] :]
            ended += int(end in written.tolist())
    return Measured(total_loss / max(total_tokens, 1), ended, len(rows))


def evaluate(
    candidate: Path,
    dataset_dir: Path,
    base_model: str,
    *,
    serving: Path | None = None,
    gate: Gate | None = None,
) -> dict[str, Any]:
    """Judge `candidate` against `serving` (None: the base model); the result is what the
    registry keeps and `promote` checks."""
    gate = gate or Gate()
    load_dataset_version(dataset_dir)
    split, rows = _test_rows(dataset_dir)

    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base_model)
    base = AutoModelForCausalLM.from_pretrained(base_model, dtype=torch.float32)
    try:
        model = PeftModel.from_pretrained(base, str(candidate), adapter_name="candidate")
        if serving is not None:
            model.load_adapter(str(serving), adapter_name="serving")
    except (OSError, ValueError, RuntimeError) as exc:
        raise TrainingError(f"The adapter could not be loaded: {exc}") from None
    if serving is not None:
        model.set_adapter("serving")
        now = _measure(model, tokenizer, rows, gate)
    else:
        with model.disable_adapter():
            now = _measure(model, tokenizer, rows, gate)
    model.set_adapter("candidate")
    new = _measure(model, tokenizer, rows, gate)

    failures = []
    allowed = now.loss * (1 + gate.max_loss_increase)
    if new.loss > allowed:
        failures.append(
            f"test loss {new.loss:.4f} vs {now.loss:.4f} now "
            f"({(new.loss / now.loss - 1) * 100:+.1f}%, allowed {gate.max_loss_increase:+.1%})"
        )
    if new.end_rate < gate.min_end_rate:
        failures.append(
            f"replies ending on their own {new.end_rate:.1%}, below {gate.min_end_rate:.0%}"
        )
    return {
        "against": serving.name if serving is not None else "base model",
        "dataset": dataset_dir.name,
        "split": split,
        "examples": len(rows),
        "metrics": {
            "test_loss": [round(now.loss, 4), round(new.loss, 4)],
            "perplexity": [round(now.perplexity, 3), round(new.perplexity, 3)],
            "ended_rate": [round(now.end_rate, 4), round(new.end_rate, 4)],
        },
        "gate": asdict(gate),
        "passed": not failures,
        "failures": failures,
        "evaluated_at": datetime.now(UTC).isoformat(),
    }


def judge_eval(
    result: dict[str, Any], now: dict[str, Any], new: dict[str, Any], gate: Gate
) -> dict[str, Any]:
    """Add `salesbot eval`'s metrics for both versions to `result` and fail the gate on any
    that got worse by more than allowed."""
    from bot.eval.run import TARGETS

    failures = []
    for name, (op, _target) in TARGETS.items():
        before, after = now.get(name), new.get(name)
        if not isinstance(before, int | float) or not isinstance(after, int | float):
            continue
        if op == ">=" and after < before - gate.max_eval_drop:
            failures.append(f"{name} {after:.3f} vs {before:.3f} now")
        elif op == "<=" and after > before + gate.max_eval_drop:
            failures.append(f"{name} {after:.3f} vs {before:.3f} now")
        elif op == "==" and after > before:
            failures.append(f"{name} {after} vs {before} now")
    result["eval"] = {"now": now, "candidate": new, "failures": failures}
    result["failures"] = result["failures"] + failures
    result["passed"] = not result["failures"]
    return result
