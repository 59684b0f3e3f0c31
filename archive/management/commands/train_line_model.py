"""Train the raw-text line model on the development set's own part (never its held-out fifth)."""

import json

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from archive import ingest_eval
from archive.ingest import decoding, line_model, text
from archive.management.commands.eval_ingest import DEFAULT_SET


def page_examples(page: ingest_eval.Page) -> list[tuple[list[float], int]]:
    """(features, label) for the lines the truth names: must-keep 1, must-drop 0."""
    units, _, lines, start, end, _ = text._read_page(decoding.decode(page.text), learned=False)
    vectors = line_model.features(lines, start, end)
    folded = [ingest_eval.fold(u) for u in units]
    examples = []
    for snippets, label in ((page.truth["with"], 1), (page.truth["without"], 0)):
        for snippet in snippets:
            target = ingest_eval.fold(snippet)
            hits = [i for i, unit in enumerate(folded) if target and target in unit]
            examples += [(vectors[i], label) for i in hits[:1]]
    return examples


def train(x: np.ndarray, y: np.ndarray, *, steps: int = 3000, rate: float = 0.5,
          l2: float = 1e-3) -> np.ndarray:
    """Logistic regression by full-batch gradient descent, classes weighted equally."""
    weights = np.zeros(x.shape[1])
    balance = np.where(y == 1, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ weights)))
        weights -= rate * (x.T @ ((p - y) * balance) / len(y) + l2 * weights)
    return weights


class Command(BaseCommand):
    help = "Fit archive/ingest/line_model.json on the development part of ../shared/data/rawtext-dev."

    def add_arguments(self, parser):
        parser.add_argument("--data", default=DEFAULT_SET)
        parser.add_argument("--steps", type=int, default=3000)

    def handle(self, *args, data, steps, **options):
        try:
            pages = [p for p in ingest_eval.read_pages(data) if p.part == ingest_eval.DEV]
        except OSError as error:
            raise CommandError(f"Cannot read the development set: {error}") from error
        examples = [e for page in pages for e in page_examples(page)]
        x = np.array([v for v, _ in examples])
        y = np.array([label for _, label in examples], dtype=float)
        weights = train(x, y, steps=steps)
        right = int((((x @ weights) > 0) == (y == 1)).sum())
        self.stdout.write(f"{len(y)} labelled lines from {len(pages)} development pages "
                          f"({int(y.sum())} article, {int(len(y) - y.sum())} furniture); "
                          f"{right / len(y):.1%} classified right after training")
        model = {"features": list(line_model.FEATURES), "weights": [round(float(w), 5) for w in weights],
                 "trained_on": f"{len(y)} lines of {len(pages)} development pages (held-out fifth excluded)"}
        line_model.MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n")
        self.stdout.write(f"wrote {line_model.MODEL_PATH}")
