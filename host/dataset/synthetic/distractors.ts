/**
 * Structures that are in the image but not in the gold standard (synthetic_data.md §2.2 step 3):
 * crossing fibres that pass within 0–3 voxels of a gold branch, and bright blobs (other somata,
 * debris). Tracers that follow them are scored as false positives, as on real data.
 */
import type { Rng } from '../rng.js';
import type { Primitive } from './render.js';
import type { LevelSpec } from './presets.js';
import { COMMON } from './presets.js';
import { round4, type MorphNode } from './morphology.js';
import { add, cross, dist, dot, normalize, scale, sub, type V3 } from './vec.js';

export interface FibreRecord {
  /** 1-based id of the gold node the fibre passes. */
  nearNode: number;
  /** Closest approach of the fibre's axis to that node, in x voxels. */
  closestApproachVoxels: number;
  radiusUm: number;
  brightness: number;
  /** Ends of the fibre in voxel coordinates. */
  from: V3;
  to: V3;
}

export interface BlobRecord {
  centre: V3;
  radiusUm: number;
  brightness: number;
}

export interface Distractors {
  primitives: Primitive[];
  fibres: FibreRecord[];
  blobs: BlobRecord[];
}

const pos = (n: MorphNode): V3 => [n.x, n.y, n.z];
const toVoxel = (p: V3, voxel: V3): V3 => [round4(p[0] / voxel[0]), round4(p[1] / voxel[1]), round4(p[2] / voxel[2])];

export function makeDistractors(rng: Rng, nodes: MorphNode[], level: LevelSpec, boxUm: V3, voxel: V3, fov: number): Distractors {
  const primitives: Primitive[] = [];
  const fibres: FibreRecord[] = [];
  const blobs: BlobRecord[] = [];
  const soma = pos(nodes[0]);
  const somaR = nodes[0].r;
  const insideImage = (p: V3) => p[0] >= 0 && p[1] >= 0 && p[2] >= 0 && p[0] <= boxUm[0] && p[1] <= boxUm[1] && p[2] <= boxUm[2];
  const candidates: number[] = [];
  for (let i = 1; i < nodes.length; i++) if (dist(pos(nodes[i]), soma) > 2 * somaR) candidates.push(i);

  const fibreCount = candidates.length ? rng.intRange(level.fibres) : 0;
  const zFlat = Math.min(1, boxUm[2] / Math.min(boxUm[0], boxUm[1]));
  for (let f = 0; f < fibreCount; f++) {
    const anchor = rng.pick(candidates);
    const a = nodes[anchor];
    const t = normalize(sub(pos(a), pos(nodes[a.parent])));
    // cross the branch at 45° or more
    let d: V3 = [1, 0, 0];
    for (let tries = 0; tries < 50; tries++) {
      const v = rng.unitVector();
      v[2] *= zFlat;
      d = normalize(v);
      if (Math.abs(dot(d, t)) <= 0.7) break;
    }
    const side = normalize(cross(t, d));
    const approach = rng.uniform(0, 3);
    const origin = add(pos(a), scale(side, approach * voxel[0]));
    const radius = rng.range(COMMON.fibreRadiusUm);
    const bright = rng.range(COMMON.fibreBrightness);
    const step = 1.5 * voxel[0];
    const kappa = 0.05 * Math.sqrt(step);
    const walk = (dir0: V3): V3[] => {
      const pts: V3[] = [];
      let p = origin;
      let dir = dir0;
      for (let s = 0; s < 4000; s++) {
        const xi = rng.unitVector();
        xi[2] *= zFlat;
        dir = normalize(add(dir, scale(xi, kappa * Math.sqrt(3))));
        p = add(p, scale(dir, step));
        if (!insideImage(p)) break;
        pts.push(p);
      }
      return pts;
    };
    const forward = walk(d);
    const backward = walk(scale(d, -1));
    const path = [...backward.reverse(), origin, ...forward];
    let eta = 0;
    let prevB = bright;
    for (let k = 1; k < path.length; k++) {
      eta = 0.9 * eta + Math.sqrt(1 - 0.81) * 0.2 * rng.normal();
      const bk = bright * Math.exp(eta);
      const p = path[k - 1], q = path[k];
      primitives.push({ ax: p[0], ay: p[1], az: p[2], bx: q[0], by: q[1], bz: q[2], ra: radius, rb: radius, ia: prevB, ib: bk });
      prevB = bk;
    }
    fibres.push({
      nearNode: anchor + 1, closestApproachVoxels: round4(approach), radiusUm: round4(radius), brightness: round4(bright),
      from: toVoxel(path[0], voxel), to: toVoxel(path[path.length - 1], voxel),
    });
  }

  const blobCount = rng.intRange(level.blobs);
  for (let k = 0; k < blobCount; k++) {
    const r = rng.range(COMMON.blobRadiusUm) * Math.sqrt(fov);
    let c: V3 = [0, 0, 0];
    // keep blobs off the soma so the seed point stays unambiguous
    for (let tries = 0; tries < 50; tries++) {
      c = [rng.uniform(0, boxUm[0]), rng.uniform(0, boxUm[1]), rng.uniform(0, boxUm[2])];
      if (dist(c, soma) > somaR + r + 2) break;
    }
    const br = rng.range(COMMON.blobBrightness);
    primitives.push({ ax: c[0], ay: c[1], az: c[2], bx: c[0], by: c[1], bz: c[2], ra: r, rb: r, ia: br, ib: br });
    blobs.push({ centre: toVoxel(c, voxel), radiusUm: round4(r), brightness: round4(br) });
  }
  return { primitives, fibres, blobs };
}
