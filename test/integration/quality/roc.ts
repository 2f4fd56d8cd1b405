/** ROC helpers for the screening benchmarks: AUC by ranks (ties count half). */
export function auc(scores: number[], positive: boolean[]): number {
  let pos = 0;
  let neg = 0;
  let wins = 0;
  const order = scores.map((s, i) => ({ s, p: positive[i]! })).sort((a, b) => a.s - b.s);
  let negBelow = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    let tiePos = 0;
    let tieNeg = 0;
    while (j < order.length && order[j]!.s === order[i]!.s) {
      if (order[j]!.p) tiePos++;
      else tieNeg++;
      j++;
    }
    wins += tiePos * (negBelow + tieNeg / 2);
    negBelow += tieNeg;
    pos += tiePos;
    neg += tieNeg;
    i = j;
  }
  return pos && neg ? wins / (pos * neg) : NaN;
}
