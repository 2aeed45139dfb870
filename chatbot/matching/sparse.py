"""A tiny inverted index of TF-IDF vectors on numpy arrays (no scipy needed).

Postings of all features live in two flat arrays (doc ids, weights) sorted by feature,
so scoring a query is one gather + one `bincount`. Building is vectorised too: one pass
in Python to number the features, the rest in numpy.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

# Scoring stops adding the commonest query features once this many postings are in:
# they carry little weight, and on very large indexes they would dominate the time.
POSTINGS_BUDGET = 60_000


class TfidfPostings:
    """Cosine similarity between a query and `docs`, each a sequence of features."""

    def __init__(self, docs: Iterable[Iterable[str]]) -> None:
        vocab: dict[str, int] = {}
        # Machine integers, not lists of int objects: millions of postings (a large
        # knowledge base's character n-grams) stay a few MB while building.
        feats = array("q")
        counts = array("q")
        lengths = array("q")
        for doc in docs:
            c = Counter(doc)
            for f, n in c.items():
                fid = vocab.get(f)
                if fid is None:
                    fid = vocab[f] = len(vocab)
                feats.append(fid)
                counts.append(n)
            lengths.append(len(c))
        self.vocab = vocab
        self.n_docs = n_docs = len(lengths)
        feat = np.asarray(feats, dtype=np.int64)
        df = np.bincount(feat, minlength=len(vocab))
        self.df = df
        self.idf = np.log((n_docs + 1) / (df + 1.0)) + 1.0
        self.oov_idf = math.log(n_docs + 1) + 1.0
        doc_of = np.repeat(np.arange(n_docs, dtype=np.int32), lengths)
        w = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * self.idf[feat]
        norms = np.sqrt(np.bincount(doc_of, weights=w * w, minlength=n_docs))
        norms[norms == 0] = 1.0
        w /= norms[doc_of]
        order = np.argsort(feat, kind="stable")
        self.post_docs = doc_of[order]
        self.post_w = w[order].astype(np.float32)
        self.starts = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)

    def query_weights(
        self, features: Iterable[str], scale: dict[str, float] | None = None
    ) -> dict[str, float]:
        """`scale`: a factor per feature (missing: 1), e.g. how much of a content
        word it is."""
        c = Counter(features)
        vocab, idf = self.vocab, self.idf
        weights = {}
        for f, n in c.items():
            fid = vocab.get(f)
            weights[f] = (1.0 + math.log(n)) * (
                self.oov_idf if fid is None else float(idf[fid])
            )
            if scale:
                weights[f] *= scale.get(f, 1.0)
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {f: w / norm for f, w in weights.items()}

    def scores(
        self, features: Iterable[str], scale: dict[str, float] | None = None
    ) -> np.ndarray:
        """Cosine of the query against every doc (float array of n_docs)."""
        q = self.query_weights(features, scale)
        known = [(self.vocab[f], qw) for f, qw in q.items() if f in self.vocab]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float64)
        known.sort(key=lambda item: self.df[item[0]])
        parts_d, parts_w = [], []
        used = 0
        for fid, qw in known:
            s, e = self.starts[fid], self.starts[fid + 1]
            if used and used + (e - s) > POSTINGS_BUDGET:
                break
            used += e - s
            parts_d.append(self.post_docs[s:e])
            parts_w.append(self.post_w[s:e] * qw)
        return np.bincount(
            np.concatenate(parts_d),
            weights=np.concatenate(parts_w),
            minlength=self.n_docs,
        )


def char_ngrams(words: Iterable[str], n: int = 3) -> list[str]:
    """Character n-grams of each word with boundary marks: typo-tolerant features."""
    grams: list[str] = []
    for w in words:
        padded = f"<{w}>"
        if len(padded) <= n:
            grams.append(padded)
            continue
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class CoveragePostings:
    """How much of a query's IDF mass a document holds: sum of idf(f) * w(doc, f)
    over the query's features, divided by the query's total idf. `docs` map features
    to a weight in [0, 1] (1 = in the entry's questions, less = only its answer)."""

    def __init__(self, docs: Sequence[dict[str, float]]) -> None:
        vocab: dict[str, int] = {}
        feats: list[int] = []
        weights: list[float] = []
        lengths: list[int] = []
        for doc in docs:
            for f, w in doc.items():
                fid = vocab.get(f)
                if fid is None:
                    fid = vocab[f] = len(vocab)
                feats.append(fid)
                weights.append(w)
            lengths.append(len(doc))
        self.vocab = vocab
        self.n_docs = n_docs = len(lengths)
        feat = np.asarray(feats, dtype=np.int64)
        df = np.bincount(feat, minlength=len(vocab))
        self.idf = np.log((n_docs + 1) / (df + 1.0)) + 1.0
        self.oov_idf = math.log(n_docs + 1) + 1.0
        doc_of = np.repeat(np.arange(n_docs, dtype=np.int32), lengths)
        order = np.argsort(feat, kind="stable")
        self.post_docs = doc_of[order]
        self.post_w = np.asarray(weights, dtype=np.float32)[order]
        self.starts = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)

    def scores(
        self,
        features: Iterable[str],
        *,
        budget: int | None = None,
        scale: dict[str, float] | None = None,
    ) -> np.ndarray:
        """`budget`: stop adding the commonest features' postings past this many
        (they still count in the query's total). `scale`: a factor per feature
        (missing: 1) on its idf."""
        uniq = list(dict.fromkeys(features))
        total = 0.0
        parts_d, parts_w = [], []
        known = []
        for f in uniq:
            fid = self.vocab.get(f)
            if fid is None:
                total += self.oov_idf * (scale.get(f, 1.0) if scale else 1.0)
            else:
                known.append((fid, scale.get(f, 1.0) if scale else 1.0))
        if budget is not None:
            known.sort(key=lambda k: self.starts[k[0] + 1] - self.starts[k[0]])
        used = 0
        for fid, factor in known:
            idf = float(self.idf[fid]) * factor
            total += idf
            s, e = self.starts[fid], self.starts[fid + 1]
            if budget is not None and used and used + (e - s) > budget:
                continue
            used += e - s
            parts_d.append(self.post_docs[s:e])
            parts_w.append(self.post_w[s:e] * idf)
        if not parts_d or not total:
            return np.zeros(self.n_docs, dtype=np.float64)
        return (
            np.bincount(
                np.concatenate(parts_d),
                weights=np.concatenate(parts_w),
                minlength=self.n_docs,
            )
            / total
        )
