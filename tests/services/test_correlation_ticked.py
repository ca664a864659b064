"""How precise the pairs a declaration ticks by default are (issue 21: precision first).

The declare dialog starts a member unticked when it joined other clients' incidents by
wording alone beside members held by something firmer (`correlation.starts_unticked`).
Scored as the corpora are scored (`tests/data/correlation_corpus.score`), on the groups
cut down to their ticked members.
Run with -s to see the figures; the blind set's is printed only, never a target.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from noc_console.services.correlation import Group, correlate, starts_unticked
from tests.data.correlation_corpus import CORPUS, HOLDOUT, Score, load, score
from tests.services.test_correlation_blind import BLIND


def ticked(group: Group) -> Group:
    """`group` with only the members a declaration starts ticked."""
    out = starts_unticked(group.reasons)
    kept = [(k, r) for k, r, gone in zip(group.members, group.reasons, out, strict=True)
            if not gone]  # fmt: skip
    return replace(group, members=tuple(k for k, _ in kept), reasons=tuple(r for _, r in kept))


def ticked_and_all(path: Path) -> tuple[Score, Score]:
    """The scores of the ticked pairs and of every grouped pair, on one corpus."""
    corpus = load(path)
    groups = correlate(item.arrival for item in corpus)
    chosen, every = score(corpus, [ticked(g) for g in groups]), score(corpus, groups)
    print(
        f"\n{path.name}: ticked pairs {chosen.correct_pairs}/{chosen.predicted_pairs} "
        f"precision {chosen.precision:.3f} recall {chosen.recall:.3f}; all grouped pairs "
        f"{every.correct_pairs}/{every.predicted_pairs} precision {every.precision:.3f} "
        f"recall {every.recall:.3f}"
    )
    return chosen, every


def test_the_pairs_ticked_by_default_are_at_least_as_precise_as_all_grouped_pairs() -> None:
    for path in (CORPUS, HOLDOUT):
        chosen, every = ticked_and_all(path)
        assert chosen.precision >= every.precision
        assert chosen.predicted_pairs <= every.predicted_pairs


def test_the_blind_sets_ticked_precision_is_measured_not_targeted() -> None:
    chosen, every = ticked_and_all(BLIND)
    assert chosen.predicted_pairs <= every.predicted_pairs  # a subset of the grouped pairs
