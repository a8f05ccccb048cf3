"""The tagger as ONNX, for inference without torch: one graph, one encoder pass, both heads
(span logits per token, section logits from [CLS]), dynamic batch and length; and its
dynamic int8 quantisation (onnxruntime.quantization: weights of the MatMuls in int8, the
activations quantised on the fly), which runs several times faster on CPUs than fp32.

    python -m gongkai.model.onnx_export MODEL_DIR [--no-int8]

writes MODEL_DIR/model.onnx (fp32) and MODEL_DIR/model.int8.onnx. The int8 copy is used at
inference only where its tags agree with fp32's (benchmarks/model_speed.py --agreement).
Needs torch and onnx to export, onnxruntime to quantise; inference needs only onnxruntime.
"""
from __future__ import annotations

import argparse
from pathlib import Path

FP32 = "model.onnx"
INT8 = "model.int8.onnx"


def export(folder: str | Path, int8: bool = True, opset: int = 17) -> list[Path]:
    import torch

    from gongkai.model.modeling import GongkaiTagger

    folder = Path(folder)
    model = GongkaiTagger.from_pretrained(str(folder), dtype=torch.float32).eval()

    class BothHeads(torch.nn.Module):
        def __init__(self, tagger):
            super().__init__()
            self.tagger = tagger

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.tagger(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                              task="both")
            return out["span_logits"], out["section_logits"]

    ids = torch.randint(5, model.config.vocab_size, (2, 16))
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    fp32 = folder / FP32
    torch.onnx.export(BothHeads(model), args, str(fp32), input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["span_logits", "section_logits"], opset_version=opset, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
                                    "token_type_ids": {0: "batch", 1: "length"}, "span_logits": {0: "batch", 1: "length"},
                                    "section_logits": {0: "batch"}})
    written = [fp32]
    if int8:
        written.append(quantize(fp32, folder / INT8))
    return written


def quantize(fp32: Path, out: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # per-channel weights keep the small encoder's tags closest to fp32's
    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--no-int8", action="store_true")
    args = ap.parse_args()
    for path in export(args.folder, int8=not args.no_int8):
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
