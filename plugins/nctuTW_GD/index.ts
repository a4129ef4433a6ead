import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Vec3 } from '../../host/core/volume.js';
import { parseMarkers } from '../../host/io/marker.js';
import { emptyTree } from '../../host/morph/tree.js';
import { nativeTracer } from '../../host/runtime/native-addon.js';
import { nativeTracerAdapter } from '../../host/runtime/native-runner.js';
import type { TraceRequest, TraceResult, Tracer } from '../../host/runtime/tracer.js';

/**
 * nctuTW_GD (Vaa3D tips_GD): the NCTU tip finder chooses a soma and tips, writes them to
 * EndPoints3D.marker, and Vaa3D's GD tracer reads that file back and joins soma and tips by
 * shortest paths. Both stages run natively; the marker file goes through the job's scratch
 * folder exactly as the plugin's hand-over did (the original wrote it next to the image).
 */
export const MARKER_FILE = 'EndPoints3D.marker';

/** The tip finder's format: one "x,y,z" row per point, 0-based voxel indices, soma first. */
export function formatMarkers(points: Vec3[]): string {
  return points.map((p) => `${p[0]},${p[1]},${p[2]}\n`).join('');
}

/**
 * Reads the hand-over file back. Its values are 0-based voxel indices (the tip finder wrote raw
 * indices and Vaa3D's readMarker_file kept them), while the host's marker reader assumes Vaa3D's
 * usual 1-based files, so its shift is undone.
 */
export function readHandover(text: string, file: string): Vec3[] {
  return parseMarkers(text, file).map((p) => [p[0] + 1, p[1] + 1, p[2] + 1] as Vec3);
}

export function createTracer(): Tracer {
  const tips = nativeTracerAdapter(nativeTracer('neurotrace_native', 'nctuTwGdTips'), 'nctuTW_GD');
  const gd = nativeTracerAdapter(nativeTracer('neurotrace_native', 'nctuTwGdTrace'), 'nctuTW_GD');
  return {
    async trace(req: TraceRequest): Promise<TraceResult> {
      const found = await tips.trace({ ...req, seeds: [], progress: (f, note) => req.progress(0.7 * f, note) });
      const meta: Record<string, number | string> = { ...found.meta };
      if (found.tree.nodes.length === 0) return { tree: emptyTree(), meta }; // no foreground, no soma
      const file = join(req.scratchDir, MARKER_FILE);
      await writeFile(file, formatMarkers(found.tree.nodes.map((n) => [n.x, n.y, n.z] as Vec3)));
      const markers = readHandover(await readFile(file, 'utf8'), file);
      // Without tips the original fell through to whole-image APP1-style tracing with default
      // settings; a soma alone gives nothing to trace here.
      if (markers.length < 2) return { tree: emptyTree(), meta: { ...meta, pathsTraced: 0, segments: 0 } };
      const traced = await gd.trace({ ...req, seeds: markers, progress: (f, note) => req.progress(0.7 + 0.3 * f, note) });
      return { tree: traced.tree, meta: { ...meta, ...traced.meta } };
    },
  };
}
