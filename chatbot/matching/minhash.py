"""MinHash signatures + banded LSH over character shingles, vectorised with numpy.

Used as a candidate generator: texts whose shingle sets are likely similar (Jaccard)
to a window of the query. Signatures are computed for many texts at once and only the
band tables are kept (sorted keys + ids, searched with `searchsorted`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
    dtype=np.uint64,
)


def _shingle_batch(texts: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """All k-char shingles of every text (as ints) and each text's first index."""
    enc = [t.encode("ascii", "ignore") for t in texts]
    lens = np.fromiter((len(e) for e in enc), dtype=np.int64, count=len(enc))
    buf = np.frombuffer(b"".join(enc), dtype=np.uint8).astype(np.uint64)
    n = buf.size - k + 1
    grams = np.zeros(max(n, 0), dtype=np.uint64)
    for j in range(k):
        grams |= buf[j : j + n] << np.uint64(8 * (k - 1 - j))
    counts = lens - k + 1
    text_starts = np.cumsum(lens) - lens
    seg_starts = np.cumsum(counts) - counts
    offsets = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        seg_starts, counts
    )
    return grams[np.repeat(text_starts, counts) + offsets], seg_starts


class MinHashLSH:
    def __init__(
        self,
        texts: Sequence[str],
        *,
        num_perm: int = 32,
        bands: int = 8,
        shingle: int = 5,
        seed: int = 20210,
        chunk: int = 20_000,
    ) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.num_perm, self.bands, self.rows, self.k = (
            num_perm,
            bands,
            num_perm // bands,
            shingle,
        )
        rng = np.random.default_rng(seed)
        self._a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        ids = np.array([i for i, t in enumerate(texts) if len(t) >= shingle], np.int32)
        keys = np.empty((bands, ids.size), dtype=np.uint64)
        for start in range(0, ids.size, chunk):
            part = ids[start : start + chunk]
            sigs = self._signatures([texts[i] for i in part])
            keys[:, start : start + part.size] = self._band_keys(sigs)
        order = np.argsort(keys, axis=1, kind="stable")
        self._keys = np.take_along_axis(keys, order, axis=1)
        self._ids = ids[order]

    def _signatures(self, texts: Sequence[str]) -> np.ndarray:
        grams, starts = _shingle_batch(texts, self.k)
        sigs = np.empty((len(texts), self.num_perm), dtype=np.uint64)
        shift = np.uint64(32)
        with np.errstate(over="ignore"):
            for p in range(self.num_perm):
                hashed = (grams * self._a[p] + self._b[p]) >> shift
                sigs[:, p] = np.minimum.reduceat(hashed, starts)
        return sigs

    def _band_keys(self, sigs: np.ndarray) -> np.ndarray:
        keys = np.empty((self.bands, sigs.shape[0]), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for band in range(self.bands):
                block = sigs[:, band * self.rows : (band + 1) * self.rows]
                key = np.full(sigs.shape[0], band + 1, dtype=np.uint64)
                for r in range(self.rows):
                    key = (key ^ block[:, r]) * _MIX[r % 4]
                keys[band] = key
        return keys

    def query(
        self,
        text: str,
        *,
        window: int = 240,
        limit: int = 8,
        min_bands: int = 2,
    ) -> list[int]:
        """Ids of indexed texts resembling any claim-sized window of `text`."""
        if len(text) < self.k:
            return []
        if len(text) <= window * 3 // 2:
            windows = [text]
        else:
            stride = window // 2
            windows = [
                text[i : i + window] for i in range(0, len(text) - stride, stride)
            ]
            windows = [w for w in windows if len(w) >= self.k]
        qkeys = self._band_keys(self._signatures(windows))
        found: list[np.ndarray] = []
        for band in range(self.bands):
            keys = self._keys[band]
            lo = np.searchsorted(keys, qkeys[band], side="left")
            hi = np.searchsorted(keys, qkeys[band], side="right")
            for s, e in zip(lo.tolist(), hi.tolist(), strict=True):
                if e > s:
                    found.append(self._ids[band, s:e])
        if not found:
            return []
        ids, counts = np.unique(np.concatenate(found), return_counts=True)
        keep = counts >= min_bands
        ids, counts = ids[keep], counts[keep]
        order = np.argsort(-counts, kind="stable")[:limit]
        return ids[order].tolist()
