import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "annotations" / "seeds"
CORPUS = Path(os.environ.get("GONGKAI_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def pipeline():
    from gongkai.inference import Pipeline

    return Pipeline.rules()


def seed(n: int) -> Path:
    return next(SEEDS.glob(f"{n:03d}_*.txt"))


def needs_corpus():
    return pytest.mark.skipif(not (CORPUS / "reports").exists(), reason="../shared/corpus not present")
