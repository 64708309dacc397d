"""Chunking respects headings and paragraphs, with overlap; loaders read every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from react_core.retrieval import ChunkingOptions, chunk_documents, chunk_text, load_documents
from react_core.retrieval.loaders import LoaderError


def test_headings_start_new_chunks_and_give_titles() -> None:
    text = "# A\n\nalpha text.\n\n## B\n\nbeta text.\n\n# C\n\ngamma text.\n"
    chunks = chunk_text(text)
    assert [(c.heading, c.text) for c in chunks] == [
        ("A", "alpha text."), ("A > B", "beta text."), ("C", "gamma text.")]


def test_hash_inside_code_fence_is_not_a_heading() -> None:
    text = "# Doc\n\n```\n# comment in code\nx = 1\n```\n"
    chunks = chunk_text(text)
    assert len(chunks) == 1 and "# comment in code" in chunks[0].text


def test_paragraphs_are_never_cut_and_consecutive_chunks_overlap() -> None:
    paragraphs = [f"Paragraph {i} " + "word " * 15 for i in range(12)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    options = ChunkingOptions(max_chars=300, overlap=100)
    chunks = chunk_text(text, options)
    assert len(chunks) > 2
    for chunk in chunks:
        assert len(chunk.text) <= 300
        for part in chunk.text.split("\n\n"):
            assert part in text  # whole paragraphs only
    for prev, nxt in zip(chunks, chunks[1:]):
        assert prev.text.split("\n\n")[-1] == nxt.text.split("\n\n")[0]  # the tail paragraph is carried over
    assert all(f"Paragraph {i} " in "".join(c.text for c in chunks) for i in range(12))


def test_long_paragraph_is_split_at_sentences() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(40))
    chunks = chunk_text(text, ChunkingOptions(max_chars=200, overlap=0))
    assert len(chunks) > 1
    assert all(len(c.text) <= 200 and c.text.endswith(".") for c in chunks)


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="overlap"):
        ChunkingOptions(max_chars=100, overlap=100)


def test_loaders_read_every_format_with_metadata(kb_dir: Path) -> None:
    docs = {d.id: d for d in load_documents([kb_dir])}
    assert set(docs) == {"guide.md", "notes.txt", "faq-1", "faq-2", "sku-1", "sku-2"}
    assert docs["guide.md"].title == "Guide"
    assert docs["notes.txt"].title == "notes"
    assert docs["faq-2"].metadata == {"lang": "ja"} and docs["faq-2"].source == "faq.jsonl"
    assert docs["sku-1"].metadata == {"price": "25"} and docs["sku-1"].title == "Kettle"


def test_chunk_ids_and_titles(kb_dir: Path) -> None:
    chunks = {c.id: c for c in chunk_documents(load_documents([kb_dir]), domain="shop")}
    assert chunks["guide.md#1"].title == "Guide > Install"
    assert chunks["faq-1"].doc == "faq-1" and chunks["faq-1"].domain == "shop"
    assert chunks["notes.txt"].text.startswith("Opening hours")


def test_loader_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "no text"}\n', encoding="utf-8")
    with pytest.raises(LoaderError, match=r"bad.jsonl:1: no text field"):
        load_documents([bad])
    dup = tmp_path / "dup"
    dup.mkdir()
    (dup / "a.jsonl").write_text('{"id": "x", "text": "one"}\n{"id": "x", "text": "two"}\n', encoding="utf-8")
    with pytest.raises(LoaderError, match="appears twice"):
        load_documents([dup])
    with pytest.raises(LoaderError, match="no such file"):
        load_documents([tmp_path / "missing"])
