"""The tokenizer handles CJK text; BM25 ranks and filters."""

from __future__ import annotations

import numpy as np

from react_core.retrieval import KeywordIndex, tokenize


def test_latin_words_are_lowercased_without_stopwords() -> None:
    assert tokenize("The Capital of FRANCE, Paris!") == ["capital", "france", "paris"]


def test_cjk_runs_become_unigrams_and_bigrams() -> None:
    assert tokenize("東京タワー") == ["東", "京", "タ", "ワ", "ー", "東京", "京タ", "タワ", "ワー"]
    assert tokenize("서울 Seoul") == ["서", "울", "서울", "seoul"]


def test_mixed_script_text_splits_at_script_boundaries() -> None:
    assert tokenize("iPhone发布会") == ["iphone", "发", "布", "会", "发布", "布会"]


def test_bm25_finds_cjk_passages_without_spaces() -> None:
    index = KeywordIndex(["北京是中国的首都", "东京是日本的首都", "Paris is in France"])
    hits = index.search("日本的首都", k=3)
    assert hits[0][0] == 1
    assert index.search("France", k=3) == [(2, index.scores("France")[2])]


def test_mask_restricts_and_unknown_words_match_nothing() -> None:
    index = KeywordIndex(["apple pie recipe", "apple tart recipe", "pear salad"])
    assert [pos for pos, _ in index.search("apple", k=5, mask=np.array([False, True, True]))] == [1]
    assert index.search("zebra", k=5) == []
    assert KeywordIndex([]).search("anything", k=3) == []
