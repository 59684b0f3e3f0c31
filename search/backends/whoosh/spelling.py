"""Which fields "did you mean" draws on, and how far apart two spellings are."""

# Names first: "Weitz" must be offered for "Weits" before the common word "waits".
SPELLING_FIELDS = ("author", "outlet", "title", "body")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), for short words."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
