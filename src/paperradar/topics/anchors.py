"""Named anchors: an interest profile's sub-areas as the topics a week's papers attach to first.

A sub-area sentence of a profile ("speculative decoding with draft models to accelerate autoregressive LLM
generation") gives an anchor named by its leading noun phrase ("Speculative decoding") with a few alternative
names ("Efficient attention", "KV cache compression" for "efficient attention and KV cache compression, ..."); a
cluster takes the alternative that is coherent on its papers. Papers that fit no anchor form discovered topics.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

_CUT = re.compile(r":|,|;|\s(?:of|for|to|with|such as|in|on|by|from|that|which|reducing|removing|using)\s", re.I)


_LIST_CUT = re.compile(r":|;|\s(?:of|for|to|with|such as|in|on|by|from|that|which|reducing|removing|using)\s", re.I)


@dataclass
class Anchor:
    """One sub-area: a stable key, its names (best first), the sentence it was made from and its vector."""

    key: str
    names: list[str]
    text: str
    vector: np.ndarray | None = field(default=None, repr=False)
    # a paper counts towards this anchor only when its title line and abstract match (the "surveys and
    # benchmarks" area: a survey or benchmark cue); None: any paper
    gate: re.Pattern[str] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """The anchor's main name."""
        return self.names[0]


def _cap(phrase: str) -> str:
    phrase = phrase.strip()
    return phrase[:1].upper() + phrase[1:] if phrase else phrase


def anchor_names(sentence: str) -> list[str]:
    """Names for a sub-area sentence: its leading phrase, then each side of an 'and' in it. A sentence that
    names its area before a colon ("mixture of experts: ...", a profile's ``[[areas]]``) keeps that name whole."""
    named = sentence.split(":", 1)[0].strip() if ":" in sentence else ""
    head = named if named and len(named.split()) <= 6 else _CUT.split(sentence.strip(), maxsplit=1)[0].strip()
    names = [_cap(head)]
    parts = [p.strip() for p in re.split(r"\s+and\s+", head) if p.strip()]
    if len(parts) > 1:
        # "efficient attention and KV cache compression": both sides are names; "pruning and sparsity" too
        names += [_cap(p) for p in parts]
    prefix = _LIST_CUT.split(sentence.strip(), maxsplit=1)[0]
    for piece in re.split(r",|\band\b", prefix):  # "token pruning, merging and visual token compression"
        piece = piece.strip()
        if len(piece.split()) >= 2 and _cap(piece) not in names:
            names.append(_cap(piece))
    return names


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def anchors_from(
    subtopics: Sequence[str], embed: object = None, gates: Sequence[re.Pattern[str] | None] | None = None
) -> list[Anchor]:
    """Anchors of a profile's ``subtopics``; with ``embed`` (an Embedder) each gets the vector of its sentence;
    ``gates`` (one per subtopic, e.g. the areas' ``only_when`` patterns) restrict which papers an anchor takes."""
    gate_of = list(gates) if gates is not None else [None] * len(subtopics)
    anchors = [
        Anchor(_key(anchor_names(s)[0]), anchor_names(s), s, gate=g)
        for s, g in zip(subtopics, gate_of, strict=True)
        if s.strip()
    ]
    if embed is not None and anchors:
        vectors = embed.embed_batch([a.text for a in anchors])  # type: ignore[attr-defined]
        for a, v in zip(anchors, vectors, strict=True):
            a.vector = np.asarray(v, dtype=np.float32)
    return anchors


__all__ = ["Anchor", "anchor_names", "anchors_from"]
