"""Scoring papers against a profile: a linear model on embeddings, the profile's meaning, keywords, feedback.

The default scorer sums evidence, each kind in spreads above an ordinary paper's:

- a linear SVM on embeddings, trained at scoring time with the profile's seed papers and the reader's likes as
  positives, the collection itself as weak negatives and dislikes as strong ones (arxiv-sanity-lite's recipe,
  on embeddings instead of TF-IDF);
- lexical models (TF-IDF + linear SVM, :mod:`paperradar.relevance.lexical`): the one a built-in profile ships,
  fitted on its curated seed papers, and one fitted on the seed and liked papers stored in the database;
- the mean similarity to the 3 nearest seed papers;
- weaker priors: similarity to the profile's sub-topic descriptions and its keywords;
- similarity to liked and disliked papers.

The sum is squashed to [0, 1] on a fixed scale, so a threshold means the same from day to day. Each model
alone ranks the dev labels at R-precision 0.66-0.75; the sum reaches 0.77 (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import abc
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from paperradar.memo import Memo
from paperradar.models import Paper
from paperradar.relevance.areas import pick as pick_area
from paperradar.relevance.lexical import LexicalModel
from paperradar.relevance.model import EVIDENCE, ProfileModel
from paperradar.relevance.profiles import Profile

# Fixed scales measured on the dev corpus (cs.AI, 2025-26): cosine to the nearest sub-topic is ~0.30 for an
# average paper with a spread of ~0.10; keyword hits average ~1 with a spread of ~1.5.
DESC_CENTER, DESC_SCALE = 0.30, 0.10
KW_CENTER, KW_SCALE = 1.0, 1.5
W_DESC, W_KW, W_FEEDBACK = 0.3, 0.2, 1.0
# Centers and spreads over ordinary papers of the dev corpus (cs.AI 2025-26): the embedding SVM's margin
# (~-0.95, ~0.55) and the mean cosine to the 3 nearest seeds (~0.50, ~0.11). The three learned kinds of evidence
# weigh the same; on dev, equal weights ranked as well as any other mix tried (benchmarks/RESULTS.md).
SVM_CENTER, SVM_SCALE, W_SVM = -0.95, 0.55, 1.0
KNN_CENTER, KNN_SCALE, W_KNN = 0.50, 0.11, 1.0
W_LEX = 1.0
N_LEARNED = 3  # kinds of learned evidence: embedding SVM, nearest seeds, lexical
SLOPE, OFFSET = 0.8, 4.0  # threshold 0.5 <=> summed evidence above OFFSET / SLOPE (on dev: ~10% of papers)
PRIOR_ONLY_SHIFT = 5.625  # a profile with nothing learned: threshold 0.5 <=> prior above -0.21 (~12% on dev)
MAX_NEGATIVES = 20000
SENTENCE = EVIDENCE.index("sentence")  # the column of a model's evidence quoted in explanations
W_CONTRAST = 1.0  # log-odds per spread that a paper resembles the liked (disliked) papers more than most do


@dataclass
class Scored:
    """A paper's score in [0, 1] for one profile, whether it passes the threshold, and why."""

    id: str
    score: float
    relevant: bool
    explanation: str
    title: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form."""
        return {
            "id": self.id,
            "score": round(self.score, 6),
            "relevant": self.relevant,
            "explanation": self.explanation,
            "title": self.title,
        }


class Scorer(abc.ABC):
    """Scores a batch of papers (with their embeddings) for one profile."""

    @abc.abstractmethod
    def score(self, papers: list[Paper], vectors: np.ndarray, background: np.ndarray | None = None) -> list[Scored]:
        """One Scored per paper, in the same order (``background``: the collection to compare against)."""


def paper_text(p: Paper) -> str:
    """What the lexical models read: title and abstract (or a summary's bullets when there is no abstract)."""
    bullets = p.extra.get("bullets") if not p.abstract else None
    return f"{p.title}\n{p.abstract or ' '.join(map(str, bullets or []))}"


_ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}(?:v\d+)?$|^[a-z-]+(?:\.[A-Z]{2})?/\d{7}$")


def seed_label(paper_id: str) -> str:
    """How an explanation names a seed paper that is not in the reader's database: "arXiv:2510.18636" for an
    arXiv id (a reader can look it up), the id itself otherwise."""
    return f"arXiv:{paper_id}" if _ARXIV_ID.match(paper_id) else paper_id


def _short(subtopic: str, words: int = 6) -> str:
    """A sub-topic sentence cut to its head ("efficient reasoning: shorter chain-of-thought, ..." -> "efficient
    reasoning") for explanations."""
    head = re.split(r":| such as | with | to | for | of |, ", subtopic, maxsplit=1)[0]
    parts = head.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _clip(sentence: str, chars: int = 140) -> str:
    """A sentence cut at a word boundary to about ``chars`` characters (for explanations)."""
    if len(sentence) <= chars:
        return sentence
    return sentence[:chars].rsplit(" ", 1)[0] + "…"


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class ProfileScorer(Scorer):
    """The default scorer (see the module docstring). ``prototypes`` are the embedded sub-topic texts;
    ``likes``/``dislikes`` map paper ids to their embeddings and titles."""

    def __init__(
        self,
        profile: Profile,
        prototypes: np.ndarray,
        *,
        seeds: np.ndarray | None = None,
        likes: dict[str, tuple[np.ndarray, str]] | None = None,
        dislikes: dict[str, tuple[np.ndarray, str]] | None = None,
        lexical: list[LexicalModel] | None = None,
        model: ProfileModel | None = None,
        seed_titles: dict[str, str] | None = None,
        random_state: int = 0,
        classifiers: Memo[Any] | None = None,
    ) -> None:
        self.profile = profile
        self.model = model
        self.seed_titles = seed_titles or {}
        self.prototypes = prototypes
        self.seeds = seeds if seeds is not None and len(seeds) else None
        self.likes = likes or {}
        self.dislikes = dislikes or {}
        self.lexical = lexical or []
        self.random_state = random_state
        self.classifiers = classifiers  # fitted SVMs by a hash of their training data, reused while it is the same
        self.include = profile.keyword_patterns(profile.include_keywords)
        self.exclude = profile.keyword_patterns(profile.exclude_keywords)

    def _fitted(self, key: str, fit: Callable[[], Any]) -> Any:
        """The classifier fitted on the inputs hashed in ``key``: from the radar's cache when there is one (the
        one place that touches it), else ``fit()``."""
        if self.classifiers is None:
            return fit()
        return self.classifiers.get_or_make(key, fit)

    def _positives(self) -> np.ndarray | None:
        parts = [self.seeds] if self.seeds is not None else []
        if self.likes:
            parts.append(np.stack([v for v, _t in self.likes.values()]))
        return np.vstack(parts) if parts else None

    def _margin(self, vectors: np.ndarray, background: np.ndarray | None = None) -> np.ndarray | None:
        """Linear SVM margin of ``vectors``, learnt against ``background`` (default: the vectors themselves) as
        weak negatives; None when there are no positives to learn from."""
        positives = self._positives()
        scored = vectors
        vectors = background if background is not None else vectors
        if positives is None or len(positives) < 3 or len(vectors) < 10:
            return None
        from sklearn.svm import LinearSVC

        rng = np.random.default_rng(self.random_state)
        negatives = (
            vectors
            if len(vectors) <= MAX_NEGATIVES
            else vectors[rng.choice(len(vectors), MAX_NEGATIVES, replace=False)]
        )
        parts, labels, weights = (
            [positives, negatives],
            [np.ones(len(positives)), np.zeros(len(negatives))],
            [np.ones(len(positives)), np.ones(len(negatives))],
        )
        if self.dislikes:
            hard = np.stack([v for v, _t in self.dislikes.values()])
            parts.append(hard)
            labels.append(np.zeros(len(hard)))
            # a dislike is a deliberate signal: weigh it like many weak negatives
            weights.append(np.full(len(hard), max(1.0, len(negatives) / max(1, len(positives)))))
        X, y, w = np.vstack(parts), np.concatenate(labels), np.concatenate(weights)

        # The fitted model is reused while its inputs are the same (a web page scoring a day's papers many
        # times); the key covers every input of the fit.
        key = hashlib.sha1(X.tobytes() + w.tobytes()).hexdigest()

        def fit() -> Any:
            clf = LinearSVC(C=0.1, class_weight="balanced", max_iter=5000, random_state=self.random_state)
            return clf.fit(X, y, sample_weight=w)

        return self._fitted(key, fit).decision_function(scored)

    def _keywords(self, papers: list[Paper]) -> tuple[np.ndarray, list[list[str]], list[list[str]]]:
        counts, found, banned = np.zeros(len(papers)), [], []
        for n, p in enumerate(papers):
            text = paper_text(p)
            hits = [w for w, pat in self.include if pat.search(text)]
            bad = [w for w, pat in self.exclude if pat.search(text)]
            counts[n] = len(hits) - 3 * len(bad)
            found.append(hits)
            banned.append(bad)
        return counts, found, banned

    def score(self, papers: list[Paper], vectors: np.ndarray, background: np.ndarray | None = None) -> list[Scored]:
        """Score ``papers`` (rows of ``vectors``); ``background`` is the whole collection the model learns
        from (default: the scored papers themselves)."""
        if not papers:
            return []
        if self.model is not None:
            return self._score_with_model(papers, vectors, background)
        sims = vectors @ self.prototypes.T if len(self.prototypes) else np.zeros((len(papers), 1))
        desc = sims.max(axis=1)
        nearest_sub = sims.argmax(axis=1)
        kw, found, banned = self._keywords(papers)
        prior = W_DESC * (desc - DESC_CENTER) / DESC_SCALE + W_KW * np.minimum(kw - KW_CENTER, 5) / KW_SCALE
        learned = np.zeros(len(papers))
        n_learned = 0
        margin = self._margin(vectors, background)
        if margin is not None:
            learned += W_SVM * (margin - SVM_CENTER) / SVM_SCALE
            n_learned += 1
        if self.seeds is not None and len(self.seeds) >= 3:  # the profile's curated seed papers (likes: below)
            near = np.sort(vectors @ self.seeds.T, axis=1)[:, -3:].mean(axis=1)
            learned += W_KNN * (near - KNN_CENTER) / KNN_SCALE
            n_learned += 1
        lex_terms: list[list[str]] = [[] for _ in papers]
        if self.lexical:
            texts = [paper_text(p) for p in papers]
            learned += W_LEX * np.mean([m.normalized(texts) for m in self.lexical], axis=0)
            n_learned += 1
            lex_terms = self.lexical[0].explain(texts)
        # Fewer kinds of learned evidence are scaled up to the full set's range; without any (no seeds, no likes
        # yet) the description and keywords carry the score alone, shifted onto the same threshold.
        raw = prior + learned * (N_LEARNED / n_learned) if n_learned else prior * 3.0 + PRIOR_ONLY_SHIFT
        liked_ids = list(self.likes)
        like_sims = vectors @ np.stack([v for v, _ in self.likes.values()]).T if self.likes else None
        dis_sims = vectors @ np.stack([v for v, _ in self.dislikes.values()]).T if self.dislikes else None
        raw = raw + self._relative_feedback(vectors, like_sims, dis_sims)
        cats = self._category_factor(papers)
        score = _sigmoid(SLOPE * raw - OFFSET) * cats
        out = []
        for n, p in enumerate(papers):
            why = []
            if found[n]:
                why.append("matches " + ", ".join(found[n][:4]))
            if lex_terms[n] and raw[n] > 0:
                why.append("reads like its seed papers (" + ", ".join(lex_terms[n]) + ")")
            if banned[n]:
                why.append("excluded term " + ", ".join(banned[n][:2]))
            if self.profile.subtopics:
                why.append(f"close to “{_short(self.profile.subtopics[nearest_sub[n]])}” ({desc[n]:.2f})")
            elif self.profile.areas and len(self.prototypes):
                why.append(f"close to “{self.profile.areas[nearest_sub[n]].name}” ({desc[n]:.2f})")
            if like_sims is not None and like_sims[n].max() > 0.6:
                j = int(like_sims[n].argmax())
                why.append(f"like your liked “{self.likes[liked_ids[j]][1][:60]}”")
            if dis_sims is not None and dis_sims[n].max() > 0.6:
                j = int(dis_sims[n].argmax())
                why.append(f"like a paper you disliked “{list(self.dislikes.values())[j][1][:60]}”")
            if cats[n] < 1:
                why.append("outside the profile's categories")
            s = float(score[n])
            out.append(Scored(p.id or "", s, s >= self.profile.threshold, "; ".join(why) or "no evidence", p.title))
        return out

    def _relative_feedback(
        self, vectors: np.ndarray, like_sims: np.ndarray | None, dis_sims: np.ndarray | None
    ) -> np.ndarray:
        """Log-odds for being closer to a liked paper than to any disliked one, and taken away for being closer to a
        disliked paper than to any seed or liked one (nearest-neighbour style). The papers `teach` asks about lie
        near the threshold, among the profile's own papers: an absolute "near a dislike" penalty would push down
        every seed-like paper near it too, which is what a reader who disliked a neighbouring sub-area did not say."""
        out = np.zeros(len(vectors))
        pos_parts = [like_sims] if like_sims is not None else []
        if self.seeds is not None and len(self.seeds):
            pos_parts.append(vectors @ self.seeds.T)
        pos = np.hstack(pos_parts).max(axis=1) if pos_parts else np.full(len(vectors), -1.0)
        dis = dis_sims.max(axis=1) if dis_sims is not None else np.full(len(vectors), -1.0)
        if like_sims is not None:
            out += W_FEEDBACK * np.clip((like_sims.max(axis=1) - np.maximum(0.5, dis)) / 0.1, 0, 3)
        if dis_sims is not None:
            out -= W_FEEDBACK * np.clip((dis - np.maximum(0.5, pos)) / 0.1, 0, 3)
        return out

    def _feedback(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Log-odds added for closeness to liked papers and taken away for closeness to disliked ones."""
        like = vectors @ np.stack([v for v, _ in self.likes.values()]).T if self.likes else None
        dis = vectors @ np.stack([v for v, _ in self.dislikes.values()]).T if self.dislikes else None
        out = np.zeros(len(vectors))
        if like is not None:
            out += W_FEEDBACK * np.clip((like.max(axis=1) - 0.5) / 0.1, 0, 3)
        if dis is not None:
            out -= W_FEEDBACK * np.clip((dis.max(axis=1) - 0.5) / 0.1, 0, 3)
        return out, like, dis

    def _contrast(self, marked: np.ndarray, vectors: np.ndarray, background: np.ndarray) -> np.ndarray:
        """How much more ``vectors`` resemble the ``marked`` papers than the collection does: a linear SVM of
        the marked papers against ``background``, its margin in spreads above the collection's median."""
        from sklearn.svm import LinearSVC

        rng = np.random.default_rng(self.random_state)
        bg = background if len(background) <= MAX_NEGATIVES else background[rng.choice(len(background), MAX_NEGATIVES)]
        X = np.vstack([marked, bg])
        y = np.r_[np.ones(len(marked)), np.zeros(len(bg))]
        key = hashlib.sha1(X.tobytes() + b"contrast").hexdigest()

        def fit() -> Any:
            return LinearSVC(C=0.1, class_weight="balanced", max_iter=5000, random_state=self.random_state).fit(X, y)

        clf = self._fitted(key, fit)
        ref = clf.decision_function(bg)
        return (clf.decision_function(vectors) - np.median(ref)) / (np.std(ref) or 1.0)

    def _score_with_model(
        self, papers: list[Paper], vectors: np.ndarray, background: np.ndarray | None = None
    ) -> list[Scored]:
        """A built-in profile's learned model (:mod:`paperradar.relevance.model`): calibrated log-odds, moved by
        the reader's likes and dislikes; the explanation names the sub-area, the nearest seeds and the terms."""
        model = self.model
        assert model is not None
        texts = [paper_text(p) for p in papers]
        tfidf = model.lexical.transform(texts)
        evidence, best_sentence, hits = model.evidence_with_sentences(vectors, texts, tfidf)
        logit = model.logit(evidence)
        fb, like, dis = self._feedback(vectors)
        bg = background if background is not None else vectors
        # with a few likes (or dislikes), what they share counts too, not only closeness to each of them
        zs = {}
        for marked, sign in ((self.likes, 1.0), (self.dislikes, -1.0)):
            if len(marked) >= 3 and len(bg) >= 20:
                zs[sign] = self._contrast(np.stack([v for v, _ in marked.values()]), vectors, bg)
                fb = fb + sign * W_CONTRAST * np.clip(zs[sign] - 1.0, 0, 3)
        cats = self._category_factor(papers)
        score = _sigmoid(logit + fb) * cats
        votes = model.area_votes(vectors, len(self.profile.areas) or None, exclude=[p.id or "" for p in papers])
        area = pick_area(votes, texts, self.profile.areas) if self.profile.areas else votes.argmax(axis=1)
        terms = model.lexical.explain(texts, n=4, tfidf=tfidf)
        liked, disliked = list(self.likes.values()), list(self.dislikes.values())
        out = []
        for n, p in enumerate(papers):
            s = float(score[n])
            relevant = s >= self.profile.threshold
            why = []
            name = self.profile.areas[area[n]].name if area[n] < len(self.profile.areas) else f"area {area[n]}"
            why.append(f"{'matches' if relevant else 'closest sub-area'}: {name}")
            near = [
                (f"“{self.seed_titles[i][:60]}”" if i in self.seed_titles else seed_label(i)) + f" ({sim:.2f})"
                for i, _a, sim in model.nearest_seeds(vectors[n], 3)
                if i != p.id  # a seed paper is not its own evidence
            ][:2]
            why.append("near seed papers " + ", ".join(near))
            if terms[n]:
                why.append("terms " + ", ".join(terms[n]))
            claims = model.matched_claims(texts[n], hits[n])
            if claims:
                why.append("claims " + ", ".join(f"“{c}”" for c in claims[:2]))
            if relevant and evidence[n, SENTENCE] > 0 and best_sentence[n]:
                why.append(f"most on point: “{_clip(best_sentence[n])}”")
            cues = [c for c in self.profile.negative_cues if c.pattern.search(texts[n])]
            if cues and relevant:
                why.append(
                    f"shown despite the negative cue “{cues[0].name}” ({cues[0].note}): the efficiency evidence "
                    f"above outweighs it"
                )
            elif cues:
                why.append(f"negative cue “{cues[0].name}”")
            if like is not None and (like[n].max() > 0.6 or (1.0 in zs and zs[1.0][n] > 1)):
                why.append(f"like your liked “{liked[int(like[n].argmax())][1][:60]}”")
            if dis is not None and (dis[n].max() > 0.6 or (-1.0 in zs and zs[-1.0][n] > 1)):
                why.append(f"like a paper you disliked “{disliked[int(dis[n].argmax())][1][:60]}”")
            if cats[n] < 1:
                why.append("outside the profile's categories")
            out.append(Scored(p.id or "", s, relevant, "; ".join(why), p.title))
        return out

    def _category_factor(self, papers: list[Paper]) -> np.ndarray:
        inc, exc = set(self.profile.include_categories), set(self.profile.exclude_categories)
        f = np.ones(len(papers))
        for n, p in enumerate(papers):
            cats = set(p.categories)
            if cats & exc:
                f[n] = 0.3
            elif inc and cats and not cats & inc:
                f[n] = 0.7
        return f
