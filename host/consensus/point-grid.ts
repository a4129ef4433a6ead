/**
 * Points added one at a time, queried for the lowest-numbered point within a radius. The
 * consensus nodes grow while the inputs are scanned (§2.5 step 4), which the static BVH of
 * metrics/spatial-index.ts cannot follow; a uniform grid with cells of the query radius
 * answers each query from the 27 cells around it. Coordinates must lie in the box given at
 * construction (callers pass the bounding box of everything they will insert).
 */
export class PointGrid {
  private readonly cells = new Map<number, number[]>();
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private readonly zs: number[] = [];
  private readonly nx: number;
  private readonly ny: number;

  constructor(private readonly cell: number, private readonly min: [number, number, number], max: [number, number, number]) {
    this.nx = Math.floor((max[0] - min[0]) / cell) + 3;
    this.ny = Math.floor((max[1] - min[1]) / cell) + 3;
  }

  get size(): number { return this.xs.length; }

  private coord(v: number, a: number): number {
    return Math.floor((v - this.min[a]) / this.cell) + 1;
  }

  /** Adds a point; returns its number (0, 1, 2, … in insertion order). */
  add(x: number, y: number, z: number): number {
    const i = this.xs.length;
    this.xs.push(x); this.ys.push(y); this.zs.push(z);
    const key = this.coord(x, 0) + this.nx * (this.coord(y, 1) + this.ny * this.coord(z, 2));
    const list = this.cells.get(key);
    if (list) list.push(i);
    else this.cells.set(key, [i]);
    return i;
  }

  /** The lowest-numbered point at distance <= radius (radius <= the cell size), or -1. */
  lowestWithin(x: number, y: number, z: number, radius: number): number {
    const cx = this.coord(x, 0), cy = this.coord(y, 1), cz = this.coord(z, 2);
    const r2 = radius * radius;
    let best = -1;
    for (let dz = -1; dz <= 1; dz++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const list = this.cells.get(cx + dx + this.nx * (cy + dy + this.ny * (cz + dz)));
          if (!list) continue;
          for (const i of list) {
            if (best >= 0 && i >= best) break; // lists are ascending
            const ex = this.xs[i] - x, ey = this.ys[i] - y, ez = this.zs[i] - z;
            if (ex * ex + ey * ey + ez * ez <= r2) best = i;
          }
        }
      }
    }
    return best;
  }
}
