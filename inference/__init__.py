"""gongkai.inference: the pipeline (read → normalize → split → sections → spans → values →
metadata → tables → metrics → checks → record) and the applications around it.

Names are loaded on first use (PEP 562), so `import gongkai.inference.cli` stays light and
`gongkai extract --rules-only` never imports torch.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "Pipeline": "gongkai.inference.pipeline", "extract": "gongkai.inference.pipeline",
    "Check": "gongkai.doc", "Doc": "gongkai.doc", "Entity": "gongkai.doc", "Metric": "gongkai.doc",
    "Paragraph": "gongkai.doc", "Record": "gongkai.doc", "TextView": "gongkai.doc",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'gongkai.inference' has no attribute {name!r}")
