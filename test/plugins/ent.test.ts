/**
 * ENT end to end on small synthetic images (ENT.md "How to test"): a clean tube, the
 * learning-score branch, the node cap and the missing output, the one-slice case, cancellation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../host/core/errors.js';
import { hostVersion, packageRoot } from '../../host/core/paths.js';
import { checkManifest } from '../../host/registry/manifest-validator.js';
import { traceBuiltin } from '../helpers/builtin-tracers.js';
import { cleanTube, paintTube, tubeVolume, voxelIndex, type U8Volume } from '../helpers/synthetic-volumes.js';
import { branchNodes, cableLength, roots } from '../helpers/tree-measures.js';
import { expectValidForest, hooks } from './ent-helpers.js';

const manifest = JSON.parse(readFileSync(join(packageRoot(), 'plugins', 'ENT', 'plugin.json'), 'utf8')) as {
  variants: { id: string; params: Record<string, unknown>; benchCommand?: string }[];
};

/**
 * A tube (200), a voxel of 255 in the first slice at (44, 12) that makes bin (1, 5) the
 * brightest block, and an 8x8x8 block of `dim` at (x0, y0, 4). ENT reads that bin's region as
 * x in [8, 16), y in [40, 48) (transposed, quirk E3).
 */
function learningImage(dim: number, x0 = 8, y0 = 40): U8Volume {
  const v = tubeVolume([64, 64, 16], [10, 20, 8], [54, 20, 8], 2.5, 200);
  v.data[voxelIndex(v.dims, 44, 12, 0)] = 255;
  for (let z = 4; z < 12; z++) for (let y = y0; y < y0 + 8; y++) for (let x = x0; x < x0 + 8; x++) v.data[voxelIndex(v.dims, x, y, z)] = dim;
  return v;
}

describe('ENT manifest', () => {
  it('validates, with the bench preset carrying the card\'s constants', () => {
    expect(checkManifest(manifest, hostVersion())).toEqual(expect.objectContaining({ ok: true }));
    expect(manifest.variants.map((v) => v.id)).toEqual(['ENT']);
    expect(manifest.variants[0].params).toEqual({ niblackK: 0.2, sauvolaK: 0.5, sauvolaR: 128, bernsenContrast: 15, nodeCap: 11000, combineDistance: 2 });
    expect(manifest.variants[0].benchCommand).toBe('vaa3d -x ENT -f tracing_func -i <img>');
  });
});

describe('ENT tracing', () => {
  it('traces a clean tube as one path: all three versions agree and Combine adds nothing', async () => {
    const { tree, meta } = await traceBuiltin('ENT', cleanTube());
    // N: int(mean + 0.2 sd) with mean just under 200; S: about mean / 2; B: (0 + 200) / 2
    expect(meta).toMatchObject({ thresholdN: 199, thresholdS: 100, bernsenMid: 100, allScoresZero: 1, droppedVersion: -1 });
    expect(meta!.nodesN).toBe(meta!.nodesS);
    expect(meta!.nodesS).toBe(meta!.nodesB);
    expect(meta!.chosenVersion).toBe(2);  // equal sizes: the last one written wins
    expect(meta).toMatchObject({ chosenAppendedBinary: 0, chosenAppendedClosed: 0 });
    expect(roots(tree)).toHaveLength(1);
    expect(branchNodes(tree)).toHaveLength(0);
    expect(tree.nodes.length).toBe(meta!.nodesB);
    expect(cableLength(tree)).toBeGreaterThanOrEqual(48);
    expect(cableLength(tree)).toBeLessThanOrEqual(56);
    for (const n of tree.nodes) {
      expect(Math.hypot(n.y - 16, n.z - 16)).toBeLessThanOrEqual(2.5);
      expect(n.x).toBeGreaterThanOrEqual(5);
      expect(n.x).toBeLessThanOrEqual(59);
      expect(n.type).toBe(20);  // one segment: the bottom of APP2's heat map
      expect(n.radius).toBeGreaterThanOrEqual(1);  // measured on the binary tube (quirk E4)
      expect(n.radius).toBeLessThanOrEqual(4);
    }
  });

  it('runs its base tracer exactly as APP2 with the card\'s fixed settings', async () => {
    const { data, dims } = cleanTube();
    const binary = data.map((v) => (v > 0 ? 255 : 0));
    const base = hooks()._testEntApp2Base(binary, dims, false) as { x: Float64Array; y: Float64Array; z: Float64Array };
    const app2 = await traceBuiltin('app2', { data: binary, dims }, { overrides: { srRatio: 0.3333, resample: false } });
    const key = (x: number, y: number, z: number) => `${x.toFixed(6)},${y.toFixed(6)},${z.toFixed(6)}`;
    const mine = [...base.x].map((x, i) => key(x, base.y[i], base.z[i])).sort();
    expect(mine.length).toBeGreaterThan(40);
    expect(mine).toEqual(app2.tree.nodes.map((n) => key(n.x, n.y, n.z)).sort());
  });

  it('drops the version with the highest learning score and traces the other two', async () => {
    const { tree, meta } = await traceBuiltin('ENT', learningImage(120));
    // only S (threshold below 120) keeps the dim block, half of the region's 16 slices
    expect(meta!.thresholdS).toBeLessThan(120);
    expect(meta!.thresholdN).toBeGreaterThan(120);
    expect(meta!.bernsenMid).toBe(127);
    expect(meta).toMatchObject({ blockRow: 1, blockColumn: 5, scoreN: 0, scoreS: 0.5, scoreB: 0, allScoresZero: 0, droppedVersion: 1 });
    expect(meta!.nodesS).toBe(0);  // never traced
    expect(meta!.nodesN).toBe(meta!.nodesB);
    expect(meta!.chosenVersion).toBe(0);  // N and B tie: the first of the two
    for (const n of tree.nodes) expect(Math.abs(n.y - 20)).toBeLessThanOrEqual(3);
    // the same block where the bright voxel is, i.e. not transposed, is not seen (quirk E3)
    const natural = await traceBuiltin('ENT', learningImage(120, 40, 8));
    expect(natural.meta).toMatchObject({ blockRow: 1, blockColumn: 5, scoreS: 0, allScoresZero: 1 });
  });

  it('applies the node cap as the original: the other result even when it is over the cap too', async () => {
    const image = learningImage(120);
    const { meta } = await traceBuiltin('ENT', image);
    const size = meta!.nodesN as number;
    expect(size).toBeGreaterThan(20);
    const over = await traceBuiltin('ENT', image, { overrides: { nodeCap: size - 1 } });
    expect(over.meta!.chosenVersion).toBe(2);  // N is over the cap, so B is written although it is too
    expect(over.tree.nodes.length).toBe(size);
    const at = await traceBuiltin('ENT', image, { overrides: { nodeCap: size } });
    expect(at.meta!.chosenVersion).toBe(0);
  });

  it('writes the largest result under the cap when all scores are 0, and nothing when none is', async () => {
    const image = tubeVolume([64, 64, 16], [10, 20, 8], [54, 20, 8], 2.5, 200);
    paintTube(image, [10, 48, 8], [30, 48, 8], 4, 120);  // S and B see it, N does not; its GSDT peak is higher
    const all = await traceBuiltin('ENT', image);
    expect(all.meta!.allScoresZero).toBe(1);
    const [n, s, b] = [all.meta!.nodesN, all.meta!.nodesS, all.meta!.nodesB] as number[];
    expect(s).toBe(b);
    expect(n).toBeGreaterThan(s);
    expect(all.meta!.chosenVersion).toBe(0);
    expect(all.tree.nodes.length).toBe(n);
    const capped = await traceBuiltin('ENT', image, { overrides: { nodeCap: n - 1 } });
    expect(capped.meta!.chosenVersion).toBe(2);  // N counts as size 0; S and B tie, the last wins
    expect(capped.tree.nodes.length).toBe(b);
    for (const nd of capped.tree.nodes) expect(Math.abs(nd.y - 48)).toBeLessThanOrEqual(4);
    await expect(traceBuiltin('ENT', image, { overrides: { nodeCap: s - 1 } }))
      .rejects.toThrow(new RegExp(`^ENT: no output: all three candidate reconstructions exceed ${s - 1} nodes \\(N ${n}, S ${s}, B ${b}\\)`));
  });

  it('traces a one-slice image (its morphology is empty: only the binary trace remains)', async () => {
    const { tree, meta } = await traceBuiltin('ENT', tubeVolume([64, 32, 1], [6, 16, 0], [58, 16, 0], 2.5, 200));
    expect(meta).toMatchObject({ chosenTraceDilated: 0, chosenTraceClosed: 0 });
    expect(tree.nodes.length).toBe(meta!.chosenTraceBinary);
    expect(roots(tree)).toHaveLength(1);
    expectValidForest(tree);
    expect(cableLength(tree)).toBeGreaterThan(45);
  });

  it('reports progress, rejects non-8-bit data clearly and stops promptly when aborted', async () => {
    const { data, dims } = cleanTube();
    const seen: number[] = [];
    await traceBuiltin('ENT', { data, dims }, { progress: (f) => seen.push(f) });
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    await expect(traceBuiltin('ENT', { data: Uint16Array.from(data), dims })).rejects.toThrow(/^ENT: reads 8-bit images only/);

    // all foreground: every APP2 run marches through the whole volume
    const big = new Uint8Array(128 * 128 * 128).fill(150);
    const ac = new AbortController();
    const run = traceBuiltin('ENT', { data: big, dims: [128, 128, 128] }, { signal: ac.signal, progress: (_f, note) => { if (note?.includes('APP2')) ac.abort(); } });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
