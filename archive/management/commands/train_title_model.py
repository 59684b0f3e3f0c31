"""Train the raw-text headline ranker on the development set's own part (never its held-out fifth)."""

import json

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from archive import ingest_eval
from archive.ingest import decoding, text, titles
from archive.management.commands.eval_ingest import DEFAULT_SET


def page_examples(page: ingest_eval.Page) -> tuple[np.ndarray, int] | None:
    """The candidates' feature matrix and the index of the true headline among them, if any."""
    vectors = text.title_vectors(decoding.decode(page.text, html=False))
    if not vectors:
        return None
    truth = ingest_eval.fold(page.truth["title"])
    order = sorted(vectors)
    labels = [k for k, i in enumerate(order) if ingest_eval.fold(vectors[i][1]) == truth]
    if not labels:
        return None
    return np.array([vectors[i][0] for i in order]), labels[0]


def train(examples: list[tuple[np.ndarray, int]], *, steps: int = 3000, rate: float = 0.1,
          l2: float = 1e-3) -> np.ndarray:
    """Softmax over each page's candidates, fitted by full-batch gradient descent."""
    width = examples[0][0].shape[1]
    weights = np.zeros(width)
    for _ in range(steps):
        gradient = l2 * weights
        for matrix, label in examples:
            scores = matrix @ weights
            p = np.exp(scores - scores.max())
            p /= p.sum()
            gradient += (matrix.T @ p - matrix[label]) / len(examples)
        weights -= rate * gradient
    return weights


class Command(BaseCommand):
    help = "Fit archive/ingest/title_model.json on the development part of ../shared/data/rawtext-dev."

    def add_arguments(self, parser):
        parser.add_argument("--data", default=DEFAULT_SET)
        parser.add_argument("--steps", type=int, default=3000)

    def handle(self, *args, data, steps, **options):
        try:
            pages = [p for p in ingest_eval.read_pages(data) if p.part == ingest_eval.DEV]
        except OSError as error:
            raise CommandError(f"Cannot read the development set: {error}") from error
        examples = [e for e in map(page_examples, pages) if e]
        weights = train(examples, steps=steps)
        right = sum(int(np.argmax(m @ weights)) == label for m, label in examples)
        self.stdout.write(f"{len(examples)} of {len(pages)} development pages have their headline among "
                          f"the candidates; ranked first on {right} after training")
        model = {"features": list(titles.FEATURES), "weights": [round(float(w), 5) for w in weights],
                 "trained_on": f"{len(examples)} development pages (held-out fifth excluded)"}
        titles.MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n")
        self.stdout.write(f"wrote {titles.MODEL_PATH}")
