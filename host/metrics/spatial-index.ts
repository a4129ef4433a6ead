/**
 * A static bounding-volume hierarchy over 3-D segments (points are zero-length segments).
 * Nearest queries take the caller's own distance function and an error margin, so that a metric
 * defined as "the minimum over all segments of f" gets exactly that minimum: a subtree is skipped
 * only when its box is farther than the best f found so far plus the largest amount by which f
 * can fall below the true Euclidean distance.
 */
export class SegmentBvh {
  /** Box of BVH node k: [minx, miny, minz, maxx, maxy, maxz] at 6k. */
  private readonly box: Float64Array;
  /** Inner node: index of the left child (right = left + 1); leaf: first item in `items`. */
  private readonly first: Int32Array;
  /** Items in a leaf, or 0 for an inner node. */
  private readonly count: Int32Array;
  /** Segment ids permuted so that each leaf's ids are contiguous. */
  private readonly items: Int32Array;
  private nodeCount = 0;
  private readonly stack: Int32Array;
  private readonly stackD: Float64Array;

  /**
   * @param seg endpoints of segment k at seg[6k .. 6k+5] (x1, y1, z1, x2, y2, z2)
   * @param pad per-segment inflation of its box (radius-aware queries), or undefined
   */
  constructor(readonly seg: Float64Array, pad?: Float64Array, leafSize = 4) {
    const m = seg.length / 6;
    const items = new Int32Array(m);
    for (let i = 0; i < m; i++) items[i] = i;
    this.items = items;
    const lo = new Float64Array(m * 3), hi = new Float64Array(m * 3), ctr = new Float64Array(m * 3);
    for (let i = 0; i < m; i++) {
      const e = pad ? pad[i] : 0;
      for (let a = 0; a < 3; a++) {
        const p = seg[6 * i + a], q = seg[6 * i + 3 + a];
        lo[3 * i + a] = Math.min(p, q) - e;
        hi[3 * i + a] = Math.max(p, q) + e;
        ctr[3 * i + a] = 0.5 * (p + q);
      }
    }
    const maxNodes = Math.max(1, 2 * Math.ceil(m / Math.max(1, leafSize)) + 1) * 2;
    this.box = new Float64Array(6 * maxNodes);
    this.first = new Int32Array(maxNodes);
    this.count = new Int32Array(maxNodes);
    this.stack = new Int32Array(Math.max(64, maxNodes));
    this.stackD = new Float64Array(this.stack.length);
    if (m === 0) { this.count[0] = 0; this.first[0] = 0; this.nodeCount = 1; this.box.fill(Infinity, 0, 3); this.box.fill(-Infinity, 3, 6); return; }

    // Iterative build; work items are (node, start, end).
    const work: number[] = [];
    this.nodeCount = 1;
    work.push(0, 0, m);
    while (work.length) {
      const end = work.pop()!, start = work.pop()!, node = work.pop()!;
      let bx0 = Infinity, by0 = Infinity, bz0 = Infinity, bx1 = -Infinity, by1 = -Infinity, bz1 = -Infinity;
      let cx0 = Infinity, cy0 = Infinity, cz0 = Infinity, cx1 = -Infinity, cy1 = -Infinity, cz1 = -Infinity;
      for (let k = start; k < end; k++) {
        const i = items[k];
        bx0 = Math.min(bx0, lo[3 * i]); by0 = Math.min(by0, lo[3 * i + 1]); bz0 = Math.min(bz0, lo[3 * i + 2]);
        bx1 = Math.max(bx1, hi[3 * i]); by1 = Math.max(by1, hi[3 * i + 1]); bz1 = Math.max(bz1, hi[3 * i + 2]);
        cx0 = Math.min(cx0, ctr[3 * i]); cy0 = Math.min(cy0, ctr[3 * i + 1]); cz0 = Math.min(cz0, ctr[3 * i + 2]);
        cx1 = Math.max(cx1, ctr[3 * i]); cy1 = Math.max(cy1, ctr[3 * i + 1]); cz1 = Math.max(cz1, ctr[3 * i + 2]);
      }
      const b = 6 * node;
      this.box[b] = bx0; this.box[b + 1] = by0; this.box[b + 2] = bz0;
      this.box[b + 3] = bx1; this.box[b + 4] = by1; this.box[b + 5] = bz1;
      const ex = cx1 - cx0, ey = cy1 - cy0, ez = cz1 - cz0;
      if (end - start <= leafSize || (ex === 0 && ey === 0 && ez === 0)) {
        this.first[node] = start;
        this.count[node] = end - start;
        continue;
      }
      const axis = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2;
      const mid = (start + end) >> 1;
      selectNth(items, ctr, axis, start, end - 1, mid);
      const left = this.nodeCount;
      this.nodeCount += 2;
      this.first[node] = left;
      this.count[node] = 0;
      work.push(left, start, mid, left + 1, mid, end);
    }
  }

  get size(): number { return this.items.length; }

  /** Squared distance from a point to the box of BVH node k (0 inside). */
  private boxDist2(k: number, qx: number, qy: number, qz: number): number {
    const b = this.box, o = 6 * k;
    const dx = qx < b[o] ? b[o] - qx : qx > b[o + 3] ? qx - b[o + 3] : 0;
    const dy = qy < b[o + 1] ? b[o + 1] - qy : qy > b[o + 4] ? qy - b[o + 4] : 0;
    const dz = qz < b[o + 2] ? b[o + 2] - qz : qz > b[o + 5] ? qz - b[o + 5] : 0;
    return dx * dx + dy * dy + dz * dz;
  }

  /** Segment that reached the minimum in the last nearest() call (-1 if none). */
  nearestSeg = -1;

  /**
   * The minimum of dist(segment) over all segments; the segment that reaches it first is left
   * in `nearestSeg`. `dist` must never be below the true Euclidean point-segment distance minus
   * `margin`. `hint` (a segment id or -1) seeds the search, e.g. with the previous query's answer.
   */
  nearest(qx: number, qy: number, qz: number, dist: (seg: number) => number, margin: number, hint = -1): number {
    let best = Infinity, bestSeg = -1;
    if (hint >= 0) { best = dist(hint); bestSeg = hint; }
    if (this.items.length === 0) { this.nearestSeg = bestSeg; return best; }
    const stack = this.stack, stackD = this.stackD;
    let sp = 0;
    stack[sp] = 0; stackD[sp++] = this.boxDist2(0, qx, qy, qz);
    while (sp > 0) {
      --sp;
      const node = stack[sp];
      const lim = best + margin;
      if (stackD[sp] > lim * lim) continue;
      const cnt = this.count[node];
      if (cnt > 0) {
        const f = this.first[node];
        for (let k = f; k < f + cnt; k++) {
          const s = this.items[k];
          if (s === bestSeg) continue;
          const d = dist(s);
          if (d < best || (d === best && s < bestSeg)) { best = d; bestSeg = s; }
        }
      } else {
        const l = this.first[node];
        const dl = this.boxDist2(l, qx, qy, qz), dr = this.boxDist2(l + 1, qx, qy, qz);
        const lim2 = (best + margin) * (best + margin);
        // push the farther child first so the nearer one is searched first
        if (dl <= dr) {
          if (dr <= lim2) { stack[sp] = l + 1; stackD[sp++] = dr; }
          if (dl <= lim2) { stack[sp] = l; stackD[sp++] = dl; }
        } else {
          if (dl <= lim2) { stack[sp] = l; stackD[sp++] = dl; }
          if (dr <= lim2) { stack[sp] = l + 1; stackD[sp++] = dr; }
        }
      }
    }
    this.nearestSeg = bestSeg;
    return best;
  }

  /** Calls visit(seg) for every segment whose (padded) box comes within `radius` of the point. */
  near(qx: number, qy: number, qz: number, radius: number, visit: (seg: number) => void): void {
    if (this.items.length === 0) return;
    const r2 = radius * radius;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp];
      if (this.boxDist2(node, qx, qy, qz) > r2) continue;
      const cnt = this.count[node];
      if (cnt > 0) {
        const f = this.first[node];
        for (let k = f; k < f + cnt; k++) visit(this.items[k]);
      } else {
        const l = this.first[node];
        stack[sp++] = l; stack[sp++] = l + 1;
      }
    }
  }
}

/** Partially sorts items[lo..hi] by centre coordinate `axis` so that position nth holds its order statistic. */
function selectNth(items: Int32Array, ctr: Float64Array, axis: number, lo: number, hi: number, nth: number): void {
  while (hi > lo) {
    const pivot = ctr[3 * items[(lo + hi) >> 1] + axis];
    let i = lo, j = hi;
    while (i <= j) {
      while (ctr[3 * items[i] + axis] < pivot) i++;
      while (ctr[3 * items[j] + axis] > pivot) j--;
      if (i <= j) { const t = items[i]; items[i] = items[j]; items[j] = t; i++; j--; }
    }
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return;
  }
}

/** Nearest-point queries with exact double distances (points stored as zero-length segments). */
export class PointIndex {
  private readonly bvh: SegmentBvh;
  private readonly px: Float64Array;
  private readonly py: Float64Array;
  private readonly pz: Float64Array;

  constructor(px: Float64Array, py: Float64Array, pz: Float64Array) {
    this.px = px; this.py = py; this.pz = pz;
    const seg = new Float64Array(px.length * 6);
    for (let i = 0; i < px.length; i++) {
      seg[6 * i] = seg[6 * i + 3] = px[i];
      seg[6 * i + 1] = seg[6 * i + 4] = py[i];
      seg[6 * i + 2] = seg[6 * i + 5] = pz[i];
    }
    this.bvh = new SegmentBvh(seg);
  }

  get size(): number { return this.px.length; }

  /** Distance to the nearest point and its index (the lowest index among ties); Infinity/-1 if empty. */
  nearest(qx: number, qy: number, qz: number, hint = -1): { d: number; index: number } {
    const { px, py, pz } = this;
    const d = this.bvh.nearest(qx, qy, qz, (i) => {
      const dx = px[i] - qx, dy = py[i] - qy, dz = pz[i] - qz;
      return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }, 1e-9 * (1 + Math.abs(qx) + Math.abs(qy) + Math.abs(qz)), hint);
    return { d, index: this.bvh.nearestSeg };
  }
}
