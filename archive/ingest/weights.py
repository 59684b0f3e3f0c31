"""Reading the committed weights of ingest's small learned models."""

from __future__ import annotations

import json
from pathlib import Path


def load_weights(path: Path, features: tuple[str, ...]) -> list[float] | None:
    """The weights in `path`, or None when the file is missing, unreadable or was fitted on
    other features (then the rules alone decide, never a model that no longer fits)."""
    try:
        model = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return model["weights"] if model.get("features") == list(features) else None
