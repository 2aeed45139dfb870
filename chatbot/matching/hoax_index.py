"""Near-duplicate matching of forwarded messages against known hoax claims.

Forwards wrap a claim in other text ("Sebarkan!!", "dari grup sebelah"), cut it short,
change or misspell words and sometimes carry two claims at once. So the exact score is
containment-based, not plain Jaccard:

1. candidates: an IDF-weighted inverted index over normalised terms (how much of each
   claim the message contains) plus MinHash/LSH over character shingles of the message
   split into claim-sized windows (catches heavily misspelt copies);
2. exact score per candidate: IDF-weighted claim coverage with fuzzy term matching,
   the in-order overlap (longest common subsequence of terms) and, for truncated
   copies, how much of the message the claim explains;
3. links in the message are matched against the entries' known URLs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from .hoax_types import HoaxDoc, HoaxHit, HoaxMatch, HoaxThresholds
from .hoax_verdict import asks_about_claim, decide_hoax
from .lexicon import DISEASE_FAMILY
from .minhash import MinHashLSH
from .normalise import STOPWORDS, Analysis, Normaliser
from .sparse import CoveragePostings

# The claims and hits (hoax_types) and the verdict (hoax_verdict) are re-exported.
__all__ = [
    "HoaxDoc",
    "HoaxHit",
    "HoaxIndex",
    "HoaxMatch",
    "HoaxThresholds",
    "asks_about_claim",
    "decide_hoax",
]


# Below this many claim terms found in order, a match is only partial evidence.
FULL_EVIDENCE_TERMS = 5
# A message that is wholly a piece of one claim counts fully from this many terms in
# order (chosen on the dev half of the evaluation set: 10, 8, 7, 6, 5 were tried).
TRUNCATED_FULL_TERMS = 7
CANDIDATES = 12
EVIDENCE_EXPONENT = 0.5
POSTINGS_BUDGET = 100_000
LSH_UNLESS_SCORE = 0.75
# The fact-check's explanation restates the claim in other words ("Faktanya, vaksin
# tidak mengandung chip pelacak"): weaker evidence than the claim's own words, so a
# message it explains is only ever shown the claim as a possible match, and only
# when the explanation holds a word specific to this claim.
EXPLANATION_WEIGHT = 0.75
EXPLANATION_SHARE = 0.8
EXPLANATION_MIN_TERMS = 4
EXPLANATION_CANDIDATES = 3
# A verdict needs this many of the claim's own words (headline, id or en) in the
# message, however closely it copies a narrative (see HoaxHit.on_claim).
CLAIM_WORDS_FOR_VERDICT = 2
# A message naming diseases its claim's headline does not (and the headline naming
# others): another subject, so its scores count this much, and never for a verdict.
OTHER_DISEASE_FACTOR = 0.5


class HoaxIndex:
    def __init__(
        self,
        docs: Iterable[HoaxDoc],
        *,
        normaliser: Normaliser | None = None,
        use_lsh: bool = True,
    ) -> None:
        from .normalise import normalise_url

        self.normaliser = normaliser or Normaliser()
        # Words the FAQ asks about all the time ("gejala", "anak"): a claim's topic,
        # never what singles it out. Set by the Engine from its FAQ index.
        self.topic_terms: frozenset[str] = frozenset()
        self._text_entry: list[int] = []
        self._text_raw: list[str] = []
        self._text_terms: list[tuple[str, ...]] = []
        url_entries: dict[str, set[int]] = {}
        entries: set[int] = set()
        explained: list[dict[str, float]] = []
        self._explained_entry: list[int] = []
        # Per entry, the terms of its claim (and English claim): the tuples the
        # texts below keep anyway, not a set of their own (50,000 claims' sets
        # cost 64 MB).
        self._claim_terms: dict[int, tuple[str, ...]] = {}
        for doc in docs:
            entries.add(doc.entry_id)
            if doc.explanation:
                terms = self.normaliser.analyse(doc.explanation, translate=False).terms
                if terms:
                    # The whole fact-check: its explanation, and the claim's own
                    # words in full.
                    fact_check = dict.fromkeys(terms, EXPLANATION_SHARE)
                    for text in (doc.claim, *doc.variants, doc.claim_en):
                        fact_check.update(
                            dict.fromkeys(
                                self.normaliser.analyse(text, translate=False).terms,
                                1.0,
                            )
                        )
                    explained.append(fact_check)
                    self._explained_entry.append(doc.entry_id)
            seen: set[tuple[str, ...]] = set()
            for url in doc.urls:
                if url:
                    url_entries.setdefault(normalise_url(url), set()).add(doc.entry_id)
            for text in (doc.claim, *doc.variants, doc.claim_en):
                if not text:
                    continue
                a = self.normaliser.analyse(text, translate=False)
                if text is doc.claim:
                    self._claim_terms[doc.entry_id] = a.terms
                elif text is doc.claim_en:
                    claim = self._claim_terms.get(doc.entry_id, ())
                    self._claim_terms[doc.entry_id] = claim + a.terms
                for url in a.urls:
                    url_entries.setdefault(url, set()).add(doc.entry_id)
                if len(a.terms) < 2 or a.terms in seen:
                    continue
                seen.add(a.terms)
                self._text_entry.append(doc.entry_id)
                self._text_raw.append(text)
                self._text_terms.append(a.terms)
        self.n_entries = len(entries)
        # A link shared by several entries (a general myth-buster page) proves nothing.
        self._urls = {u: next(iter(e)) for u, e in url_entries.items() if len(e) == 1}
        n = len(self._text_terms)
        vocab: dict[str, int] = {}
        feats: list[int] = []
        lengths: list[int] = []
        for terms in self._text_terms:
            uniq = set(terms)
            for t in uniq:
                tid = vocab.get(t)
                if tid is None:
                    tid = vocab[t] = len(vocab)
                feats.append(tid)
            lengths.append(len(uniq))
        feat = np.asarray(feats, dtype=np.int64)
        self._vocab = vocab
        self._df = np.bincount(feat, minlength=len(vocab))
        idf = np.log((n + 1) / (self._df + 1.0)) + 1.0
        self._idf_arr = idf
        self._idf = dict(zip(vocab, idf.tolist(), strict=True))
        self._oov_idf = float(idf.mean()) if idf.size else 1.0
        text_of = np.repeat(np.arange(n, dtype=np.int32), lengths)
        self._text_weight = np.bincount(text_of, weights=idf[feat], minlength=n)
        # Words in at most ~2 % of the claims (never "vaksin", "covid"): what a claim
        # is specifically about.
        self._specific_idf = (
            float(np.log((n + 1) / (max(5.0, 0.02 * n) + 1.0)) + 1.0) - 1e-9
        )
        order = np.argsort(feat, kind="stable")
        self._post = text_of[order]
        self._starts = np.concatenate([[0], np.cumsum(self._df)]).astype(np.int64)
        self._lsh = (
            MinHashLSH([" ".join(t) for t in self._text_terms]) if use_lsh else None
        )
        self._explained = CoveragePostings(explained) if explained else None
        m = len(explained)
        self._explained_specific = (
            float(np.log((m + 1) / (max(5.0, 0.02 * m) + 1.0)) + 1.0) - 1e-9
        )

    def __len__(self) -> int:
        return self.n_entries

    @property
    def n_texts(self) -> int:
        return len(self._text_terms)

    # candidates -----------------------------------------------------------------

    def _term_candidates(self, uniq: list[str]) -> list[int]:
        known = sorted(
            (self._vocab[t] for t in uniq if t in self._vocab),
            key=lambda tid: self._df[tid],
        )
        parts, weights = [], []
        used = 0
        for tid in known:
            s, e = self._starts[tid], self._starts[tid + 1]
            # Rarest terms first; the commonest add little to the ranking.
            if used and used + (e - s) > POSTINGS_BUDGET:
                break
            used += e - s
            parts.append(self._post[s:e])
            weights.append(e - s)
        if not parts:
            return []
        ids = np.concatenate(parts)
        mass = np.bincount(
            ids,
            weights=np.repeat(self._idf_arr[known[: len(parts)]], weights),
            minlength=self.n_texts,
        )
        hit = np.flatnonzero(mass)
        if hit.size <= CANDIDATES:
            return hit.tolist()
        coverage = mass[hit] / self._text_weight[hit]
        by_cov = hit[np.argpartition(-coverage, CANDIDATES - 1)[:CANDIDATES]]
        by_mass = hit[np.argpartition(-mass[hit], CANDIDATES - 1)[:CANDIDATES]]
        return list(dict.fromkeys(by_cov.tolist() + by_mass.tolist()))

    # exact score ------------------------------------------------------------------

    def _score(
        self,
        i: int,
        msg_terms: tuple[str, ...],
        msg_set: set[str],
        loose: list[str],
        msg_weight: float,
        msg_words: int,
    ) -> tuple[float, float]:
        """(score, relaxed score); `loose`: message terms unknown to the index
        (typos) for fuzzy matching; `msg_words`: the message's content words as
        written, before the lexicon reads one as several ("kencing" as "buang air
        kecil")."""
        claim = self._text_terms[i]
        claim_set = set(claim)
        idf, oov = self._idf, self._oov_idf
        mapping: dict[str, str] = {}
        matched = 0.0
        n_matched = 0
        specific = False
        for t in claim_set:
            if t in msg_set:
                matched += idf.get(t, oov)
                n_matched += 1
                specific = specific or (
                    idf.get(t, oov) >= self._specific_idf and t not in self.topic_terms
                )
            elif loose and len(t) >= 5:
                found = process.extractOne(t, loose, scorer=fuzz.ratio, score_cutoff=80)
                if found is not None:
                    mapping[found[0]] = t
                    matched += 0.9 * idf.get(t, oov)
                    n_matched += 1
        if not n_matched:
            return 0.0, 0.0
        seq = [mapping.get(u, u) for u in msg_terms] if mapping else list(msg_terms)
        lcs = LCSseq.similarity(claim, seq)
        claim_weight = float(self._text_weight[i])
        cov_claim = matched / claim_weight
        cov_msg = min(1.0, matched / msg_weight) if msg_weight else 0.0
        in_order = lcs / len(claim)
        whole = (cov_claim + in_order) / 2
        # How many words of the message the in-order match stands for: a word the
        # lexicon reads as three terms is still one word of evidence (session 24:
        # "penyakit kencing tikus itu apa" matched five terms of a fact-check's
        # narrative in order and got a verdict).
        run = min(lcs, msg_words)
        # A truncated copy: most of the message is this claim, in the claim's order.
        part = cov_msg * min(1.0, run / TRUNCATED_FULL_TERMS)
        evidence = min(1.0, run / FULL_EVIDENCE_TERMS) ** EVIDENCE_EXPONENT
        best = max(whole, part)
        # Asking about a claim quotes its key words: count how much of the question
        # the claim explains as much as how much of the claim the question holds.
        relaxed = max(best, (cov_msg + cov_claim) / 2) if lcs >= 3 else best
        if lcs >= 2 and specific:
            # A short question or forward that is nearly all this claim's words,
            # one of them specific to it ("vaksin ada chipnya, bener?").
            relaxed = max(relaxed, 0.75 * cov_msg)
        return best * evidence, (relaxed if lcs >= 2 else 0.0)

    def search(
        self, text: str | Analysis, *, limit: int = 3, explain_below: float = 1.0
    ) -> list[HoaxHit]:
        """Best entries first. The explanations are read only while no claim
        scores `explain_below` (the suggest threshold: above it they change
        nothing)."""
        a = self.normaliser.analyse(text) if isinstance(text, str) else text
        best: dict[int, HoaxHit] = {}
        for url in a.urls:
            entry = self._urls.get(url)
            if entry is not None:
                best[entry] = HoaxHit(entry_id=entry, score=1.0, via="url", text=url)
        if len(a.terms) >= 2 and self.n_texts:
            uniq = list(dict.fromkeys(a.terms))
            msg_set = set(uniq)
            loose = [u for u in uniq if u not in self._idf and len(u) >= 4]
            # The framing ("bener gak?", "sebarkan ke grup") is not what the message
            # claims: it does not dilute how much of it a claim explains.
            msg_weight = sum(
                self._idf.get(u, self._oov_idf) for u in uniq if u not in FRAMING_TERMS
            )
            msg_words = sum(1 for w in a.written if w not in STOPWORDS)
            seen: set[int] = set()

            def score_all(candidates: list[int]) -> None:
                for i in candidates:
                    if i in seen:
                        continue
                    seen.add(i)
                    score, relaxed = self._score(
                        i, a.terms, msg_set, loose, msg_weight, msg_words
                    )
                    score, relaxed = round(score, 4), round(relaxed, 4)
                    entry = self._text_entry[i]
                    old = best.get(entry)
                    if score > 0 and (old is None or old.score < score):
                        best[entry] = HoaxHit(
                            entry_id=entry,
                            score=score,
                            text=self._text_raw[i],
                            relaxed=max(relaxed, old.relaxed if old else 0.0),
                        )

            score_all(self._term_candidates(uniq))
            # Character-shingle LSH finds copies whose words are too mangled for the
            # term index; not needed once that index found a convincing claim.
            top = max((h.score for h in best.values()), default=0.0)
            if self._lsh is not None and top < LSH_UNLESS_SCORE:
                score_all(self._lsh.query(" ".join(a.terms)))
            top = max((h.score for h in best.values()), default=0.0)
            if (
                self._explained is not None
                and EXPLANATION_WEIGHT
                and top < explain_below
            ):
                self._explanation_hits(uniq, best)
        if a.terms:
            msg_set = set(a.terms)
            msg_diseases = diseases(a.terms)
            for entry, hit in best.items():
                if hit.via != "url":
                    claim = self._claim_terms.get(entry, ())
                    shared = len(msg_set.intersection(claim))
                    claim_diseases = diseases(claim) if msg_diseases else set()
                    if claim_diseases and not claim_diseases & msg_diseases:
                        best[entry] = replace(
                            hit,
                            score=round(hit.score * OTHER_DISEASE_FACTOR, 4),
                            relaxed=round(hit.relaxed * OTHER_DISEASE_FACTOR, 4),
                            explained=round(hit.explained * OTHER_DISEASE_FACTOR, 4),
                            on_claim=False,
                        )
                    # A one-word claim needs its one word.
                    elif shared < min(CLAIM_WORDS_FOR_VERDICT, len(set(claim))):
                        best[entry] = replace(hit, on_claim=False)
        hits = sorted(best.values(), key=lambda h: (-h.score, -h.relaxed, -h.explained))
        return hits[:limit]

    def _explanation_hits(self, uniq: list[str], best: dict[int, HoaxHit]) -> None:
        """Raise the relaxed score of the entries whose explanation holds most of
        the message (its framing aside), with a word specific to the claim."""
        p = self._explained
        content = [u for u in uniq if u not in FRAMING_TERMS]
        if len(content) < EXPLANATION_MIN_TERMS:
            return
        cov = p.scores(content, budget=POSTINGS_BUDGET)
        k = min(EXPLANATION_CANDIDATES, cov.size)
        top = np.argpartition(-cov, k - 1)[:k] if k < cov.size else np.arange(k)
        known = [
            (fid, t not in self.topic_terms and p.idf[fid] >= self._explained_specific)
            for t in content
            if (fid := p.vocab.get(t)) is not None
        ]
        for doc in top.tolist():
            weak = round(EXPLANATION_WEIGHT * float(cov[doc]), 4)
            if weak <= 0:
                continue
            held = [
                specific
                for fid, specific in known
                if doc in p.post_docs[p.starts[fid] : p.starts[fid + 1]]
            ]
            # A few shared words prove nothing of a long explanation: short
            # questions are matched on the claim's own words.
            if len(held) < EXPLANATION_MIN_TERMS or not any(held):
                continue
            entry = self._explained_entry[doc]
            old = best.get(entry)
            if old is None:
                best[entry] = HoaxHit(entry_id=entry, score=0.0, explained=weak)
            else:
                best[entry] = replace(old, explained=weak)

    def match(
        self, text: str | Analysis, *, thresholds: HoaxThresholds | None = None
    ) -> HoaxMatch:
        a = self.normaliser.analyse(text) if isinstance(text, str) else text
        return decide_hoax(
            self.search(a),
            thresholds or HoaxThresholds(),
            asks_about_claim=asks_about_claim(a.words),
        )


def diseases(terms: Iterable[str]) -> set[int]:
    """The disease families (lexicon.DISEASE_FAMILIES) the terms name."""
    return {DISEASE_FAMILY[t] for t in terms if t in DISEASE_FAMILY}


FRAMING_TERMS = frozenset(
    """benar betul tidak bukan sebar share terus viral bagi grup kirim info penting
    waspada awas hati asli serius hoax fakta kata""".split()
)
