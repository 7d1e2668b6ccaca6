"""Clustering papers into topics without being told how many: the :class:`Clusterer` interface and the default."""

from __future__ import annotations

import abc

import numpy as np


class Clusterer(abc.ABC):
    """Assigns each paper to a cluster from the papers' pairwise similarities (no fixed number of clusters)."""

    @abc.abstractmethod
    def fit_predict(self, similarity: np.ndarray) -> np.ndarray:
        """One integer label per row of the (n, n) cosine ``similarity`` matrix of unit vectors."""


class WardClusterer(Clusterer):
    """Ward's hierarchy cut where the silhouette is best, then smoothed by each paper's nearest neighbours.

    Ward's linkage on the distances ``sqrt(2 - 2 cos)`` (the Euclidean distances of the unit vectors, so Ward's
    variance criterion stays exact) gives one partition for every k; the k with the best silhouette is kept,
    from 2 up to ``k_max``, and such that clusters average between ``min_cluster_size`` and
    ``max_mean_cluster_size`` papers. (On thousands of papers of many fields the silhouette is near zero for
    every k and its maximum sits at 2 or 3 clusters of a thousand papers each, which no reader calls a topic;
    the upper bound keeps such periods at 13-30 topics for 5,000 papers and is inactive below 800.) Ward splits
    a large coherent topic before it separates a small one, and papers between topics land on either side;
    letting each paper take the majority topic of itself and its ``neighbours`` nearest papers, until nothing
    changes, repairs much of both (dev split: bootstrap NMI 0.68 -> 0.71, with 300 unrelated papers mixed
    in 0.61 -> 0.68).
    """

    def __init__(
        self,
        k_max: int = 30,
        min_cluster_size: int = 8,
        max_mean_cluster_size: int = 400,
        neighbours: int = 10,
        silhouette_sample: int = 2000,
        random_state: int = 0,
    ) -> None:
        self.k_max, self.min_cluster_size, self.neighbours = k_max, min_cluster_size, neighbours
        self.max_mean_cluster_size = max_mean_cluster_size
        self.silhouette_sample, self.random_state = silhouette_sample, random_state

    def fit_predict(self, similarity: np.ndarray) -> np.ndarray:
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform
        from sklearn.metrics import silhouette_score

        n = len(similarity)
        k_max = min(self.k_max, n // self.min_cluster_size)
        if k_max < 2:
            return np.zeros(n, dtype=int)
        k_min = min(k_max, max(2, -(-n // self.max_mean_cluster_size)))
        distance = np.sqrt(np.clip(2.0 - 2.0 * similarity, 0.0, None))
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform(distance, checks=False), "ward")
        sample = np.arange(n)
        if n > self.silhouette_sample:
            rng = np.random.default_rng(self.random_state)
            sample = np.sort(rng.choice(n, self.silhouette_sample, replace=False))
        sample_distance = distance[np.ix_(sample, sample)]
        del distance
        best: tuple[float, np.ndarray] | None = None
        for k in range(k_min, k_max + 1):
            labels = fcluster(tree, k, "maxclust") - 1
            if len(np.unique(labels[sample])) < 2:
                continue
            score = float(silhouette_score(sample_distance, labels[sample], metric="precomputed"))
            if best is None or score > best[0]:
                best = (score, labels)
        if best is None:
            return np.zeros(n, dtype=int)
        return neighbour_vote(similarity, best[1], self.neighbours)


def neighbour_vote(similarity: np.ndarray, labels: np.ndarray, neighbours: int, rounds: int = 5) -> np.ndarray:
    """Give each row the most common label among itself and its ``neighbours`` most similar rows, repeated
    until no label changes (at most ``rounds`` times); ties go to the label of the closer neighbours."""
    n = len(labels)
    k = min(neighbours, n - 1)
    if k < 1:
        return labels
    sim = similarity.copy()
    np.fill_diagonal(sim, -np.inf)
    nearest = np.argpartition(-sim, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(sim, nearest, axis=1), axis=1)
    nearest = np.take_along_axis(nearest, order, axis=1)
    del sim
    # each vote counts 1; a tiny rank bonus breaks ties in favour of the closest papers, self first
    weights = 1.0 + 1e-3 * (k - np.arange(k)) / (k + 1)
    values, labels = np.unique(labels, return_inverse=True)
    rows = np.arange(n)
    for _ in range(rounds):
        votes = np.zeros((n, len(values)))
        votes[rows, labels] += 1.0 + 2e-3
        for j in range(k):
            np.add.at(votes, (rows, labels[nearest[:, j]]), weights[j])
        new = votes.argmax(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
    return values[labels]


__all__ = ["Clusterer", "WardClusterer", "neighbour_vote"]
