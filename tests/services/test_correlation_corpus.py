"""Correlation against the labelled corpora in tests/data: precision first."""

from __future__ import annotations

from pathlib import Path

from noc_console.services.correlation import correlate
from tests.data.correlation_corpus import CORPUS, HOLDOUT, Labelled, Score, load, score

PRECISION_GOAL = 0.9

# Recall floors: what the rules achieve now (training 0.968, validation 0.724), a little
# under, so that a change losing groups fails here. Precision must meet the goal on both.
CORPUS_RECALL = 0.95
HOLDOUT_RECALL = 0.70


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
    assert result.recall >= CORPUS_RECALL


def test_the_held_out_corpus_is_150_incidents_of_other_clients() -> None:
    """Held out means other clients too: no site or server name of the training corpus."""
    held_out = load(HOLDOUT)
    assert len(held_out) >= 150
    assert events_across(held_out, 3) >= 8
    training_clients = {item.arrival.client_id for item in load()}
    assert not training_clients & {item.arrival.client_id for item in held_out}


def test_precision_on_the_held_out_corpus_now_a_validation_set_meets_the_goal() -> None:
    """The held-out corpus was written before its author read the rules; blind, they
    scored precision 0.609 and recall 0.291 on it (0.812 and 0.291 after two fixes made on
    the training corpus). Since issue 21 it is a validation set: its misses and false
    merges were read, classed and fixed with general rules (docs/board.md "Groups"), so
    its figures are no longer an estimate of unseen wording — the blind test set
    (`correlation_blind.csv`, written by someone who never saw the rules) is.
    """
    _, result = measure(HOLDOUT)
    assert result.precision >= PRECISION_GOAL
    assert result.recall >= HOLDOUT_RECALL
