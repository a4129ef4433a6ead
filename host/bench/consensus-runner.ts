import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { NeurotraceError } from '../core/errors.js';
import { hostVersion } from '../core/paths.js';
import { consensus, type ConsensusInput } from '../consensus/consensus.js';
import type { RunRecord } from '../generated/run-record.js';
import { writeAno } from '../io/ano.js';
import { readSwc, writeSwc } from '../io/swc.js';
import { resolveParams } from '../registry/params.js';
import type { HostVariantContext, HostVariantRunner } from './bench.js';
import { scoreAgainstGold } from './score-run.js';

const firstLine = (e: unknown) => ((e as Error)?.message ?? String(e)).split('\n')[0];

/** Where the consensus of one image is written: swc/<imageId>/<variant>.eswc in the bench folder. */
export function consensusOutputPath(outDir: string, imageId: string, variant: string): string {
  return join(outDir, 'swc', imageId, `${variant}.eswc`);
}

/** What a cell produced, before the bookkeeping fields of its record are added. */
type CellResult = Partial<RunRecord> & { status: RunRecord['status'] };

/**
 * The bench's `Consensus` cell of one image: the consensus of the successful outputs the bench
 * gives it (its selected tracer variants on that image; host-computed variants excluded), written
 * as ESWC beside them with the list of voters (<variant>_SelectedNeurons.ano), and scored against
 * the gold standard like any variant, in the bench's units. When no tree results (no inputs, or
 * the consensus finds none) the record says why and no file is left.
 */
export function consensusRunner(): HostVariantRunner {
  return async (ctx) => {
    const startedAt = new Date();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const { image, ref, outDir } = ctx;
    const outputPath = consensusOutputPath(outDir, image.id, ref.id);
    const anoPath = join(outDir, 'swc', image.id, `${ref.id}_SelectedNeurons.ano`);
    let result: CellResult;
    try {
      result = await consensusCell(ctx, outputPath, anoPath);
    } catch (e) {
      // Whatever goes wrong becomes this cell's record, like a tracer's failure: the bench goes on.
      result = { status: 'failed', error: e instanceof NeurotraceError ? firstLine(e) : `internal error in the consensus: ${firstLine(e)}` };
    }
    if (result.status !== 'ok') await Promise.all([rm(outputPath, { force: true }), rm(anoPath, { force: true })]);
    const cpu = process.cpuUsage(cpu0);
    return {
      variant: ref.id, imageId: image.id, plugin: ref.plugin.manifest.id, pluginVersion: ref.plugin.manifest.version, params: {},
      imagePath: image.imagePath, imageSha256: image.sha256 ?? ctx.records.find((r) => r.imageSha256)?.imageSha256 ?? '', seed: null,
      startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
      wallSeconds: Math.round(performance.now() - t0) / 1000, cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
      peakRssMiB: null, outputPath: null, nodeCount: null, error: null, stderrTail: null, meta: null, scores: null, scoreError: null,
      ...result,
    };
  };
}

async function consensusCell({ image, ref, records, outDir, scoreSpacing }: HostVariantContext, outputPath: string, anoPath: string): Promise<CellResult> {
  const manifest = ref.plugin.manifest;
  const params = resolveParams(ref);
  const sources = records
    .filter((r) => r.status === 'ok' && r.outputPath && r.variant !== ref.id && r.plugin !== manifest.id)
    .sort((a, b) => (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0));
  const inputs: ConsensusInput[] = [];
  const paths = new Map<string, string>();
  const unreadable: string[] = [];
  // Trees the consensus would drop for their size are not even read (some tracers write millions of nodes).
  const maxNodes = params.maxInputNodes as number;
  const oversized: string[] = [];
  for (const r of sources) {
    if (r.nodeCount != null && r.nodeCount > maxNodes) {
      oversized.push(`${r.variant}: ${r.nodeCount} nodes, more than ${maxNodes} (likely an outlier)`);
      continue;
    }
    const file = join(outDir, r.outputPath!);
    try {
      inputs.push({ name: r.variant, tree: await readSwc(file) });
      paths.set(r.variant, file);
    } catch (e) {
      unreadable.push(`${r.variant}: ${firstLine(e)}`);
    }
  }
  if (inputs.length === 0) {
    const why = sources.length === 0 ? 'no other variant produced a tree on this image' : `no usable output (${[...oversized, ...unreadable].join('; ')})`;
    return { status: 'failed', params, error: `no inputs for the consensus: ${why}` };
  }

  let result;
  try {
    result = consensus(inputs, params);
  } catch (e) {
    if (!(e instanceof NeurotraceError)) throw e;
    return { status: 'failed', params, error: firstLine(e), meta: { inputs: sources.length } };
  }
  const { tree, report } = result;
  const dropped = [...oversized, ...report.dropped.map((d) => `${d.name}: ${d.reason}`)];
  const meta: Record<string, number | string> = {
    inputs: sources.length, voters: report.used.length, voteThreshold: report.voteThreshold, iterations: report.iterations,
    consensusNodes: report.consensusNodes, trimmedNodes: report.trimmedNodes, removedPieces: report.removedPieces,
  };
  if (dropped.length) meta.dropped = dropped.join('; ');
  if (unreadable.length) meta.unreadable = unreadable.join('; ');
  if (report.single) meta.single = 'one input survived and is returned as it is';

  const header = [
    `neurotrace ${hostVersion()}`,
    `plugin ${manifest.id}@${manifest.version}`,
    `variant ${ref.id}`,
    `params ${JSON.stringify(params)}`,
    `image ${image.imagePath}`,
    `inputs ${report.used.map((v) => relative(outDir, paths.get(v)!)).join(' ')}`,
    `created ${new Date().toISOString()}`,
    'coordinates 0-based voxel indices (x column, y row, z slice)',
  ];
  await writeSwc(outputPath, tree, { header });
  await writeAno(anoPath, { swcFiles: report.used.map((v) => paths.get(v)!) });

  let scores: Record<string, unknown> | null = null, scoreError: string | null = null;
  if (image.goldPath) {
    try {
      scores = scoreAgainstGold(await readSwc(image.goldPath), tree, scoreSpacing ?? null);
    } catch (e) {
      scoreError = firstLine(e);
    }
  }
  return { status: 'ok', params, outputPath: relative(outDir, outputPath), nodeCount: tree.nodes.length, meta, scores, scoreError };
}
