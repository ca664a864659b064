"""Correlation against the final blind test set, `tests/data/correlation_blind.csv`.

That corpus was written without reading the rules (services/correlation/), their docs or
the rows of the training and held-out corpora — only the held-out corpus's header and the
loader. The rules were not tuned to it and must never be: it is the last honest estimate of
how they do on a NOC day nobody wrote them for. Run with -s to see the figures.
"""

from __future__ import annotations

from pathlib import Path

from tests.data.correlation_corpus import load
from tests.services.test_correlation_corpus import events_across, measure

BLIND = Path(__file__).parents[1] / "data" / "correlation_blind.csv"

# Blind, the first time the rules met this corpus (rules as on main at 855e7bd): precision
# 0.849 (73 of 86 predicted pairs), recall 0.130 (73 of 561 true pairs). With the rules tuned
# afterwards on the training and validation corpora — never on this one — precision 0.837
# (118 of 141), recall 0.210 (118 of 561): recall up, precision a little down. Floored to
# 2 decimals: a floor against regressions, not a goal (the goal is 0.9, not met here).
BLIND_PRECISION = 0.83
BLIND_RECALL = 0.21


def test_the_blind_corpus_is_a_day_of_many_clients_and_events_across_them() -> None:
    corpus = load(BLIND)
    assert len(corpus) >= 200
    assert len({item.arrival.client_id for item in corpus}) >= 20
    assert events_across(corpus, 3) >= 8


def test_the_blind_corpus_scores_no_worse_than_the_rules_did_blind() -> None:
    """Its assertion is what the rules scored on it, never tuned to it (above); a change
    that scores worse on wording it was never written for fails here. Labels were not bent to
    the rules: they were fixed (and committed) before the rules first ran on them.
    """
    _, result = measure(BLIND)
    assert result.precision >= BLIND_PRECISION
    assert result.recall >= BLIND_RECALL
