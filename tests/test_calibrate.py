"""The suggester's acceptance model (bench/calibrate.py): a softmax over each span's candidates
and "none of them"."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import calibrate  # noqa: E402


def _groups(n_groups: int, rng: np.random.Generator, answer_present: float):
    """Spans with 4 candidates each; feature 0 is a bias, feature 1 is higher for the editor's
    choice, which is among the candidates with probability ``answer_present``."""
    X, y, g = [], [], []
    for i in range(n_groups):
        right = rng.integers(4) if rng.random() < answer_present else None
        for j in range(4):
            X.append([1.0, rng.normal(2.0 if j == right else 0.0)])
            y.append(1.0 if j == right else 0.0)
            g.append(i)
    return np.array(X), np.array(y), np.array(g)


def test_acceptance_model_ranks_the_editors_choice_first():
    rng = np.random.default_rng(0)
    X, y, g = _groups(400, rng, answer_present=1.0)
    w = calibrate.fit_conditional_logit(X, y, g)
    assert w[1] > 1.0
    s = (X @ w).reshape(-1, 4)
    top1 = (s.argmax(1) == y.reshape(-1, 4).argmax(1)).mean()
    assert top1 > 0.8


def test_acceptance_probabilities_leave_room_for_none_of_them():
    rng = np.random.default_rng(1)
    X, y, g = _groups(600, rng, answer_present=0.5)
    w = calibrate.fit_conditional_logit(X, y, g)
    e = np.exp(X @ w).reshape(-1, 4)
    p = e / (1 + e.sum(1, keepdims=True))
    # half the spans have no right candidate: the mass on candidates is about a half, not one
    assert 0.35 < p.sum(1).mean() < 0.65


def test_acceptance_model_survives_separable_data():
    # one feature decides perfectly: Newton's method alone would run away; the line search and
    # the penalty keep the weights finite
    X = np.array([[1.0, 1.0], [1.0, 0.0]] * 50)
    y = np.array([1.0, 0.0] * 50)
    g = np.repeat(np.arange(50), 2)
    w = calibrate.fit_conditional_logit(X, y, g)
    assert np.all(np.isfinite(w)) and np.abs(w).max() < 50
