"""Cheap baselines for the finance plugin's tasks, on the plugin's own splits (what a user could pick instead).

Sentiment (Financial PhraseBank 50 %-agreement split, its all-agree part, Twitter financial news):
majority class, the plugin's rule-based fallback (no training), and TF-IDF (word 1-2-grams) +
logistic regression trained on the train split, C chosen on validation. Entities (CoNLL-2003):
the rule-based fallback, and the CoNLL-2003 shared task's baseline idea (tag the test words that
were entities in train: greedy longest match of train entity strings, most frequent type).
Writes benchmarks/results/baselines_finance.json.

    .venv/bin/python -m benchmarks.finance_baselines [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from typing import Any

from react_core import data_dir, evenly_spread

from react_finance.data import conll, phrasebank, phrasebank_allagree, twitter
from react_finance.formats import classification_scores, entity_prf
from react_finance.lexicon import lexicon_entities, lexicon_sentiment

from benchmarks.results_io import write_result

C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)


def _rounded(scores: dict[str, float], n: int) -> dict[str, Any]:
    return {k: round(v, 4) for k, v in scores.items()} | {"n": n}


def sentiment_baselines(train, evals: dict[str, list[tuple[str, str]]]) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [t for t, _ in train]
    labels = [y for _, y in train]
    majority = Counter(labels).most_common(1)[0][0]
    out: dict[str, Any] = {"train_n": len(train)}
    out["majority"] = {name: _rounded(classification_scores([majority] * len(rows), [y for _, y in rows]), len(rows))
                       for name, rows in evals.items()}
    out["lexicon_fallback"] = {
        name: _rounded(classification_scores([lexicon_sentiment(t)[0] for t, _ in rows], [y for _, y in rows]),
                       len(rows)) for name, rows in evals.items()}
    start = time.perf_counter()
    tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    x_train = tfidf.fit_transform(texts)
    val = evals["validation"]
    best = None
    for c in C_GRID:
        clf = LogisticRegression(C=c, max_iter=3000).fit(x_train, labels)
        acc = classification_scores(list(clf.predict(tfidf.transform([t for t, _ in val]))),
                                    [y for _, y in val])["accuracy"]
        if best is None or acc > best[0]:
            best = (acc, c, clf)
    _, c, clf = best
    out["tfidf_logreg"] = {name: _rounded(classification_scores(list(clf.predict(tfidf.transform([t for t, _ in rows]))),
                                                                [y for _, y in rows]), len(rows))
                           for name, rows in evals.items()} | {"C": c, "seconds": round(time.perf_counter() - start, 1)}
    return out


def memorize_entities(train_sentences) -> tuple[dict[tuple[str, ...], str], int]:
    """Train entity strings (as token tuples) -> their most frequent type, and the longest length."""
    seen: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for s in train_sentences:
        for kind, text in s.entities:
            seen[tuple(text.split(" "))][kind] += 1
    table = {words: counts.most_common(1)[0][0] for words, counts in seen.items()}
    return table, max(len(w) for w in table)


def tag_by_memory(tokens: tuple[str, ...], table: dict[tuple[str, ...], str], longest: int) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            words = tokens[i:i + n]
            if words in table:
                out.append((table[words], " ".join(words)))
                i += n
                break
        else:
            i += 1
    return out


def ner_baselines(root) -> dict[str, Any]:
    train = conll(root, "train")
    table, longest = memorize_entities(train)
    out: dict[str, Any] = {"train_n": len(train)}
    for split in ("validation", "test", "test_limit200"):
        sentences = evenly_spread(conll(root, "test"), 200) if split == "test_limit200" else conll(root, split)
        gold = [list(s.entities) for s in sentences]
        out.setdefault("memorized_train_entities", {})[split] = _rounded(
            entity_prf([tag_by_memory(s.tokens, table, longest) for s in sentences], gold), len(sentences))
        out.setdefault("lexicon_fallback", {})[split] = _rounded(
            entity_prf([lexicon_entities(s.text) for s in sentences], gold), len(sentences))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    root = data_dir(args.data_dir)
    figures: dict[str, Any] = {}
    # "*_limit200": the evenly spread subsets `react eval finance --limit 200` scores the LM on
    figures["phrasebank"] = sentiment_baselines(phrasebank(root, "train"), {
        "validation": phrasebank(root, "validation"), "test": phrasebank(root, "test"),
        "test_allagree": phrasebank_allagree(root, "test"), "test_limit200": evenly_spread(phrasebank(root, "test"), 200),
        "test_allagree_limit200": evenly_spread(phrasebank_allagree(root, "test"), 200)})
    figures["twitter"] = sentiment_baselines(twitter(root, "train"), {
        "validation": twitter(root, "validation"), "test": twitter(root, "test"),
        "test_limit200": evenly_spread(twitter(root, "test"), 200)})
    figures["conll_ner"] = ner_baselines(root)
    path = write_result("baselines_finance", figures)
    for task, rows in figures.items():
        for name, row in rows.items():
            print(task, name, row)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
