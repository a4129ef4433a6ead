/*
 * Bridging of separate tree pieces for sortTree's link threshold (consensus.md 4.1 step 6).
 *
 * Vaa3D grows the root's group by repeatedly absorbing the globally closest other group and adds
 * the connecting edge only when it is within the threshold. That is Prim's algorithm on the
 * graph of pieces weighted by their closest-pair distance, so the kept edges are the minimum
 * spanning forest edges not longer than the threshold. Vaa3D finds them with an O(n²) distance
 * matrix (hence its 20 000-node cap); here Borůvka rounds with a k-d tree give the same forest
 * (up to ties between equal distances) in about O(n log² n).
 */

interface KdTree {
  /** Point indices; the node covering perm[lo, hi) holds perm[mid], mid = (lo + hi) >> 1. */
  perm: Int32Array;
  axis: Uint8Array;
  /** Bounding box of each node's subtree, 6 per node (indexed by mid). */
  box: Float64Array;
  /** Node mids in pre-order: parents before children; reversed, children before parents. */
  order: Int32Array;
  ranges: Int32Array;
}

function buildKdTree(xyz: Float64Array, points: Int32Array): KdTree {
  const n = points.length;
  const perm = Int32Array.from(points);
  const axis = new Uint8Array(n);
  const box = new Float64Array(6 * n);
  const order = new Int32Array(n);
  const ranges = new Int32Array(2 * n);
  let count = 0;
  const stack: number[] = [0, n];
  while (stack.length > 0) {
    const hi = stack.pop()!, lo = stack.pop()!;
    if (lo >= hi) continue;
    let mnx = Infinity, mny = Infinity, mnz = Infinity, mxx = -Infinity, mxy = -Infinity, mxz = -Infinity;
    for (let k = lo; k < hi; k++) {
      const p = 3 * perm[k];
      const x = xyz[p], y = xyz[p + 1], z = xyz[p + 2];
      if (x < mnx) mnx = x; if (x > mxx) mxx = x;
      if (y < mny) mny = y; if (y > mxy) mxy = y;
      if (z < mnz) mnz = z; if (z > mxz) mxz = z;
    }
    const ex = mxx - mnx, ey = mxy - mny, ez = mxz - mnz;
    const ax = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2;
    const mid = (lo + hi) >> 1;
    quickselect(xyz, perm, lo, hi - 1, mid, ax);
    axis[mid] = ax;
    box.set([mnx, mny, mnz, mxx, mxy, mxz], 6 * mid);
    order[count++] = mid;
    ranges[2 * mid] = lo;
    ranges[2 * mid + 1] = hi;
    stack.push(mid + 1, hi, lo, mid);
  }
  return { perm, axis, box, order, ranges };
}

/** Partially orders perm[lo..hi] so perm[k] holds the k-th smallest coordinate on `ax` (Hoare). */
function quickselect(xyz: Float64Array, perm: Int32Array, lo: number, hi: number, k: number, ax: number): void {
  while (hi > lo) {
    const pivot = xyz[3 * perm[(lo + hi) >> 1] + ax];
    let i = lo, j = hi;
    while (i <= j) {
      while (xyz[3 * perm[i] + ax] < pivot) i++;
      while (xyz[3 * perm[j] + ax] > pivot) j--;
      if (i <= j) {
        const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function find(uf: Int32Array, a: number): number {
  while (uf[a] !== a) {
    uf[a] = uf[uf[a]];
    a = uf[a];
  }
  return a;
}

/**
 * Links between pieces. xyz holds 3 coordinates per point; piece[i] is point i's piece label in
 * 0..pieces-1, or -1 to leave the point out (merged duplicates, non-finite positions). Returns
 * point-index pairs, each joining two different pieces at distance <= threshold.
 */
export function linkPieces(xyz: Float64Array, piece: Int32Array, pieces: number, threshold: number): [number, number][] {
  const included: number[] = [];
  for (let i = 0; i < piece.length; i++) if (piece[i] >= 0) included.push(i);
  if (pieces < 2 || included.length < 2) return [];
  const kd = buildKdTree(xyz, Int32Array.from(included));
  const { perm, axis, box, order, ranges } = kd;
  const t2 = threshold * threshold;
  const uf = Int32Array.from({ length: pieces }, (_, i) => i);
  const done = new Uint8Array(pieces);
  const label = new Int32Array(piece.length);
  /** Per node: the one piece its whole subtree belongs to, or -1 when mixed. */
  const uniform = new Int32Array(perm.length);
  const bestD = new Float64Array(pieces);
  const bestA = new Int32Array(pieces);
  const bestB = new Int32Array(pieces);
  const links: [number, number][] = [];

  for (;;) {
    for (const p of included) label[p] = find(uf, piece[p]);
    for (let k = order.length - 1; k >= 0; k--) {
      const mid = order[k], lo = ranges[2 * mid], hi = ranges[2 * mid + 1];
      let u = label[perm[mid]];
      if (mid > lo) { const l = uniform[(lo + mid) >> 1]; if (l !== u) u = -1; }
      if (u >= 0 && mid + 1 < hi) { const r = uniform[(mid + 1 + hi) >> 1]; if (r !== u) u = -1; }
      uniform[mid] = u;
    }
    bestD.fill(t2);
    bestA.fill(-1);
    const active: number[] = [];
    for (let c = 0; c < pieces; c++) if (uf[c] === c && !done[c]) active.push(c);

    for (const p of included) {
      const c = label[p];
      if (done[c]) continue;
      const qx = xyz[3 * p], qy = xyz[3 * p + 1], qz = xyz[3 * p + 2];
      let best = bestD[c];
      let found = bestA[c] >= 0;
      let hit = -1;
      // Balanced tree: recursion depth is about log2(n), never the chain length.
      const search = (lo: number, hi: number): void => {
        if (lo >= hi) return;
        const mid = (lo + hi) >> 1;
        if (uniform[mid] === c) return;
        const b = 6 * mid;
        const dx = qx < box[b] ? box[b] - qx : qx > box[b + 3] ? qx - box[b + 3] : 0;
        const dy = qy < box[b + 1] ? box[b + 1] - qy : qy > box[b + 4] ? qy - box[b + 4] : 0;
        const dz = qz < box[b + 2] ? box[b + 2] - qz : qz > box[b + 5] ? qz - box[b + 5] : 0;
        const bd = dx * dx + dy * dy + dz * dz;
        if (found ? bd >= best : bd > best) return;
        const q = perm[mid];
        if (label[q] !== c) {
          const ex = xyz[3 * q] - qx, ey = xyz[3 * q + 1] - qy, ez = xyz[3 * q + 2] - qz;
          const d = ex * ex + ey * ey + ez * ez;
          if (found ? d < best : d <= best) { best = d; found = true; hit = q; }
        }
        const ax = axis[mid];
        const goLeftFirst = (ax === 0 ? qx : ax === 1 ? qy : qz) < xyz[3 * q + ax];
        if (goLeftFirst) { search(lo, mid); search(mid + 1, hi); } else { search(mid + 1, hi); search(lo, mid); }
      };
      search(0, perm.length);
      if (hit >= 0) { bestD[c] = best; bestA[c] = p; bestB[c] = hit; }
    }

    let merged = false;
    for (const c of active) {
      // No other piece within the threshold now means none ever: absorbing pieces elsewhere
      // cannot bring anything closer to this one.
      if (bestA[c] < 0) { done[c] = 1; continue; }
      const a = find(uf, label[bestA[c]]), b = find(uf, label[bestB[c]]);
      if (a === b) continue;
      uf[a] = b;
      links.push([bestA[c], bestB[c]]);
      merged = true;
    }
    if (!merged) return links;
  }
}
