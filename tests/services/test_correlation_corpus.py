"""Correlation against the labelled corpus in tests/data: precision first."""

from __future__ import annotations

from noc_console.services.correlation import correlate
from tests.data.correlation_corpus import load, score

PRECISION_GOAL = 0.9


def test_the_corpus_is_at_least_200_labelled_incidents_with_events_across_clients() -> None:
    corpus = load()
    assert len(corpus) >= 200
    events: dict[str, set[str]] = {}
    for item in corpus:
        events.setdefault(item.event, set()).add(item.arrival.client_id)
    assert sum(len(clients) >= 3 for clients in events.values()) >= 8


def test_precision_on_the_corpus_meets_the_goal() -> None:
    corpus = load()
    groups = correlate(item.arrival for item in corpus)
    result = score(corpus, groups)
    print(
        f"\ncorrelation corpus: {len(corpus)} incidents, {len(groups)} groups; "
        f"pairs true {result.true_pairs}, predicted {result.predicted_pairs}, "
        f"correct {result.correct_pairs}; "
        f"precision {result.precision:.3f}, recall {result.recall:.3f}"
    )
    assert result.precision >= PRECISION_GOAL
