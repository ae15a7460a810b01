/**
 * How well scores rank labelled items (fraud scores, classifier outputs):
 * ROC AUC (the chance that
 * a random fraudulent account scores above a random benign one, ties counting
 * half: the Mann-Whitney statistic from average ranks) and precision at k
 * (the share of fraudulent accounts among the k highest scores, labelled
 * accounts only, ties broken by the lower index).
 */

/** AUC of `scores` for the items with labels: `fraud[i]` 1 (positive) or 0. */
export function rocAuc(scores: ArrayLike<number>, fraud: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    // Items i..j-1 share a score: each gets the average of their ranks (1-based).
    let j = i;
    while (j < n && scores[order[j]] === scores[order[i]]) j++;
    const rank = (i + 1 + j) / 2;
    for (let q = i; q < j; q++) {
      if (fraud[order[q]] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Share of fraudulent items among the k highest scores (fewer when there are fewer items). */
export function precisionAtK(scores: ArrayLike<number>, fraud: ArrayLike<number>, k: number): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const top = order.slice(0, k);
  if (top.length === 0) return NaN;
  return top.reduce((hits, i) => hits + (fraud[i] === 1 ? 1 : 0), 0) / top.length;
}
