"""Multi30k (task 1) from the data directory: line-aligned captions in English, German and French."""

from __future__ import annotations

from pathlib import Path

DATASET = "multi30k"
SPLITS = {
    "train": "train",
    "validation": "val",
    "test": "test_2016_flickr",
    "test2016": "test_2016_flickr",
    "test2017": "test_2017_flickr",
    "test2018": "test_2018_flickr",
    "mscoco": "test_2017_mscoco",
}


class DataError(ValueError):
    """The Multi30k files are missing or not line-aligned."""


def split_file(data_dir: Path, split: str, lang: str) -> Path:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    return Path(data_dir) / DATASET / f"{SPLITS[split]}.{lang}"


def read_lines(data_dir: Path, split: str, lang: str) -> list[str]:
    path = split_file(data_dir, split, lang)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: Multi30k task 1 belongs in <data dir>/{DATASET}/ "
                                f"(train.en, val.de, test_2016_flickr.fr, ...)")
    return path.read_text(encoding="utf-8").splitlines()


def read_pairs(data_dir: Path, split: str, source: str, target: str) -> list[tuple[str, str]]:
    """(source sentence, target sentence) pairs of ``split``; ``DataError`` if the files disagree."""
    src, tgt = read_lines(data_dir, split, source), read_lines(data_dir, split, target)
    if len(src) != len(tgt):
        raise DataError(f"{split_file(data_dir, split, source)} has {len(src)} lines but "
                        f"{split_file(data_dir, split, target)} has {len(tgt)}: the files must be line-aligned")
    for number, (s, t) in enumerate(zip(src, tgt), start=1):
        if not s.strip() or not t.strip():
            side = split_file(data_dir, split, source if not s.strip() else target)
            raise DataError(f"{side}:{number}: empty sentence")
    return list(zip(src, tgt))
