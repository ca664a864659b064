"""Correlation against the labelled corpora in tests/data: precision first."""

from __future__ import annotations

from pathlib import Path

from noc_console.services.correlation import correlate
from tests.data.correlation_corpus import CORPUS, HOLDOUT, Labelled, Score, load, score

PRECISION_GOAL = 0.9

# What the rules achieved on the held-out corpus the first time they met it (blind):
# precision 0.609, recall 0.291 (after the two fixes made on the training corpus since:
# 0.812, 0.291). A floor against regressions, not a goal — see the test.
HOLDOUT_BLIND_PRECISION = 0.60
HOLDOUT_BLIND_RECALL = 0.29


def measure(path: Path) -> tuple[list[Labelled], Score]:
    corpus = load(path)
    groups = correlate(item.arrival for item in corpus)
    result = score(corpus, groups)
    print(
        f"\n{path.name}: {len(corpus)} incidents, {len(groups)} groups; "
        f"pairs true {result.true_pairs}, predicted {result.predicted_pairs}, "
        f"correct {result.correct_pairs}; "
        f"precision {result.precision:.3f}, recall {result.recall:.3f}"
    )
    return corpus, result


def events_across(corpus: list[Labelled], clients: int) -> int:
    events: dict[str, set[str]] = {}
    for item in corpus:
        events.setdefault(item.event, set()).add(item.arrival.client_id)
    return sum(len(seen) >= clients for seen in events.values())


def test_the_corpus_is_at_least_200_labelled_incidents_with_events_across_clients() -> None:
    corpus = load()
    assert len(corpus) >= 200
    assert events_across(corpus, 3) >= 8


def test_precision_on_the_corpus_meets_the_goal() -> None:
    _, result = measure(CORPUS)
    assert result.precision >= PRECISION_GOAL


def test_the_held_out_corpus_is_150_incidents_of_other_clients() -> None:
    """Held out means other clients too: no site or server name of the training corpus."""
    held_out = load(HOLDOUT)
    assert len(held_out) >= 150
    assert events_across(held_out, 3) >= 8
    training_clients = {item.arrival.client_id for item in load()}
    assert not training_clients & {item.arrival.client_id for item in held_out}


def test_the_held_out_corpus_scores_no_worse_than_the_rules_did_blind() -> None:
    """The held-out corpus was written before its author read the rules, and the rules
    are never tuned to it. Its assertion is what they achieved blind (below the 0.9
    precision goal — that is the honest figure, not a target the labels were bent to);
    a change that scores worse on wording it was not written for fails here.
    """
    _, result = measure(HOLDOUT)
    assert result.precision >= HOLDOUT_BLIND_PRECISION
    assert result.recall >= HOLDOUT_BLIND_RECALL
