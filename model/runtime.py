"""Running a shipped tagger: its tokenizer (the `tokenizers` library alone) and its encoder,
either as ONNX under onnxruntime (no torch import: start-up in a fraction of a second) or as
the torch model under bf16 autocast. Both give numpy logits for the same inputs.

Backends: "onnx-int8" (model.int8.onnx), "onnx" (model.onnx, fp32), "torch" (model.safetensors);
"auto" takes the first the folder has and the machine can run, in that order.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BACKENDS = ("onnx-int8", "onnx", "torch")
_ONNX_FILES = {"onnx-int8": "model.int8.onnx", "onnx": "model.onnx"}


class CharTokenizer:
    """The folder's tokenizer.json through `tokenizers` (what PreTrainedTokenizerFast wraps):
    the same ids, offsets and pair truncation, without importing transformers."""

    def __init__(self, folder: str | Path, pair_max_length: int = 128):
        from tokenizers import Tokenizer

        path = str(Path(folder) / "tokenizer.json")
        self.single = Tokenizer.from_file(path)
        self.single.no_truncation()
        self.single.no_padding()
        self.pairs = Tokenizer.from_file(path)
        self.pairs.no_padding()
        self.pairs.enable_truncation(max_length=pair_max_length, strategy="longest_first")
        vocab = self.single.get_vocab()
        self.cls_token_id, self.sep_token_id = vocab["[CLS]"], vocab["[SEP]"]
        self.pad_token_id, self.unk_token_id = vocab["[PAD]"], vocab["[UNK]"]

    def __call__(self, text: str, add_special_tokens: bool = False, return_offsets_mapping: bool = True,
                 **_) -> dict:
        enc = self.single.encode(text, add_special_tokens=add_special_tokens)
        return {"input_ids": enc.ids, "offset_mapping": enc.offsets}

    def encode_pairs(self, firsts: list[str], seconds: list[str]) -> list[tuple[list[int], list[int]]]:
        """[CLS] a [SEP] b [SEP] with token types, truncated longest-first as in training."""
        return [(e.ids, e.type_ids) for e in self.pairs.encode_batch(list(zip(firsts, seconds)))]


@dataclass
class Labels:
    span_tags: list[str]
    section_labels: list[str]


def read_labels(folder: str | Path) -> Labels:
    config = json.loads((Path(folder) / "config.json").read_text(encoding="utf-8"))
    return Labels(list(config["span_tags"]), list(config["section_labels"]))


def pad(rows: list[list[int]], value: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows padded to the longest: (ids, attention mask), int64 as the graph takes them."""
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), value, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = r
        mask[i, :len(r)] = 1
    return ids, mask


class OnnxEncoder:
    """model(.int8).onnx under onnxruntime: (span logits, section logits) in one pass."""

    def __init__(self, path: Path, threads: int | None = None):
        import onnxruntime as ort

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        types = np.zeros_like(ids) if types is None else types
        span, section = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        return span, section


class TorchEncoder:
    """The safetensors model under torch (bf16 autocast where asked): the same outputs."""

    def __init__(self, folder: Path, threads: int | None = None, bf16: bool = True):
        import torch
        from transformers.utils import logging as hf_logging

        from gongkai.model.modeling import GongkaiTagger

        hf_logging.disable_progress_bar()  # stderr is for the user's messages
        if threads:
            torch.set_num_threads(threads)
        # shipped in float16 to halve its size; computed in float32 (under bf16 autocast)
        self.model = GongkaiTagger.from_pretrained(str(folder), dtype=torch.float32).eval()
        self.bf16 = bf16

    def __call__(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        import torch

        t = lambda a: torch.from_numpy(a)  # noqa: E731
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            out = self.model(input_ids=t(ids), attention_mask=t(mask),
                             token_type_ids=None if types is None else t(types), task="both")
        return out["span_logits"].float().numpy(), out["section_logits"].float().numpy()


def available_backend(folder: str | Path, wanted: str = "auto") -> str:
    """The backend to use for `folder`: `wanted`, or under "auto" the first of BACKENDS whose
    file is in the folder and whose runtime is installed."""
    import importlib.util

    folder = Path(folder)
    has_ort = importlib.util.find_spec("onnxruntime") is not None
    if wanted != "auto":
        if wanted not in BACKENDS:
            raise ValueError(f"unknown backend {wanted!r}: one of auto, {', '.join(BACKENDS)}")
        return wanted
    for name in BACKENDS[:2]:
        if has_ort and (folder / _ONNX_FILES[name]).exists():
            return name
    return "torch"


def load_encoder(folder: str | Path, backend: str = "auto", threads: int | None = None, bf16: bool = True):
    folder = Path(folder)
    name = available_backend(folder, backend)
    if name in _ONNX_FILES:
        return name, OnnxEncoder(folder / _ONNX_FILES[name], threads)
    return name, TorchEncoder(folder, threads, bf16)


def softmax_max(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(probability of the best class, its index) along the last axis."""
    z = logits - logits.max(-1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(-1, keepdims=True)
    best = p.argmax(-1)
    return np.take_along_axis(p, best[..., None], -1)[..., 0], best
