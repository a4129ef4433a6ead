import { NeurotraceError, UsageError } from '../core/errors.js';
import type { DiademNode, DiademParameterSet, DiademScore } from '../generated/scores.js';
import type { Tree } from '../morph/tree.js';
import { buildTreeGraph, preorder } from './tree-graph.js';
import { SegmentBvh } from './spatial-index.js';

/*
 * The DIADEM metric (Gillette, Brown & Ascoli, Neuroinformatics 9:233, 2011) as computed by
 * DiademMetric.jar v2.1, which BigNeuron ran as `-D 0` (card "metrics" (b)).
 *
 * Each file becomes, per child of its root, a binary tree of bifurcations and terminals
 * (multifurcations split by pairing the closest children under virtual nodes at the branch
 * point; unbranched runs removed with their path length summed into the node below). Gold
 * nodes are matched, depth first, to unused test nodes within the XY / Z distance thresholds
 * whose path to a matched ancestor pair agrees in length; missed bifurcations the test passes
 * straight through still count ("continuations"); unmatched test structure adds "excess"
 * weight. Score = matched gold weight / (gold weight + excess weight), gold weights being the
 * number of terminals below a node.
 *
 * Faithful to the jar, including what looks accidental, because scores must be comparable:
 * - `-D 0` uses XY 1.2 and a Z threshold of 0 (v2.1 never sets it), so |dz| <= 0.1 only;
 * - only the first tree (first root in file order) of each file is scored;
 * - trajectory points left "undetermined" are resolved for the first path that needs them and
 *   then stay resolved for every later path (the jar mutates the stored point);
 * - a path-specific trajectory found by interpolation sets only its x coordinate (y stays 0);
 * - the LCA search for distant matches starts at the second match itself;
 * - in the excess pass a continuation check can still record a distant match.
 * Differences: any child order/parent order is accepted (the jar refuses a child listed before
 * its parent), spur lists of several stems are all kept (the jar keeps only the last stem's),
 * and where the jar would throw a NullPointerException (a spur head without sibling, a rosette
 * walk past the root, an LCA above the known ancestor) the evident intent is taken instead.
 */

export interface DiademOptions {
  /** DIADEM data set preset 0..5 (0 = defaults, as BigNeuron ran it). */
  dataset?: number;
  /** XY distance threshold in XY pixels (-x). */
  xyThreshold?: number;
  /** Z distance threshold in images (slices) (-z); multiplied by scaleZ. */
  zThreshold?: number;
  /** XY pixels per image (-R); z coordinates are multiplied by it. */
  scaleZ?: number;
  xyPathErrorThreshold?: number;
  zPathErrorThreshold?: number;
  /** Count z in path lengths (--z-path). */
  zPath?: boolean;
  /** Terminal branches shorter than this are spurs, not scored (-r). */
  removeSpurs?: number;
  /** Weight nodes by the number of terminals below them (default) or uniformly. */
  weighted?: boolean;
  /** Add excess test structure to the denominator (default true). */
  countExcess?: boolean;
  /** Divide the preset thresholds by the data set's pixels per micron (-M true). */
  microns?: boolean;
  goldName?: string;
  testName?: string;
}

export type { DiademScore, DiademParameterSet, DiademNode } from '../generated/scores.js';

const LOCAL_PATH_ERROR_THRESHOLD = 0.4;
const ROSETTE_THRESHOLD = 10;

interface Preset { xy: number; scaleZ: number; zImages: number; xyErr: number; zErr: number; zPath: boolean; spurs: number; pxPerUm: number }
/** v2.1 data set presets (card table); Z thresholds are in images, the jar multiplies by scaleZ. */
const PRESETS: Record<number, Preset> = {
  0: { xy: 1.2, scaleZ: 1, zImages: 0, xyErr: 0.05, zErr: 0.05, zPath: false, spurs: 0, pxPerUm: 1 },
  1: { xy: 37.33, scaleZ: 8.8, zImages: 4, xyErr: 0.075, zErr: 0.18, zPath: true, spurs: 0, pxPerUm: 26.67 },
  2: { xy: 11, scaleZ: 1.52, zImages: 14, xyErr: 0.08, zErr: 100, zPath: false, spurs: 23, pxPerUm: 4.6 },
  3: { xy: 4.76, scaleZ: 3.4, zImages: 5, xyErr: 0.07, zErr: 0.18, zPath: false, spurs: 17, pxPerUm: 3.4 },
  4: { xy: 32, scaleZ: 0, zImages: 0, xyErr: 0.04, zErr: 100, zPath: false, spurs: 0, pxPerUm: 26.67 },
  5: { xy: 3.94, scaleZ: 3.034, zImages: 5, xyErr: 0.08, zErr: 0.2, zPath: true, spurs: 6, pxPerUm: 3.034 },
};

export function diademParameters(opts: DiademOptions = {}): DiademParameterSet {
  const dataset = opts.dataset ?? 0;
  const p = PRESETS[dataset];
  if (!p) throw new UsageError(`DIADEM data set must be one of 0..5 (got ${dataset})`);
  const scaleZ = opts.scaleZ ?? p.scaleZ;
  let xy = p.xy, z = p.zImages * p.scaleZ, spurs = p.spurs;
  if (opts.microns) { xy /= p.pxPerUm; z /= p.pxPerUm; spurs /= p.pxPerUm; }
  const params: DiademParameterSet = {
    dataset,
    xyThreshold: opts.xyThreshold ?? xy,
    zThreshold: opts.zThreshold !== undefined ? opts.zThreshold * (scaleZ === 0 ? 1 : scaleZ) : z,
    scaleZ,
    xyPathErrorThreshold: opts.xyPathErrorThreshold ?? p.xyErr,
    zPathErrorThreshold: opts.zPathErrorThreshold ?? p.zErr,
    zPath: opts.zPath ?? p.zPath,
    removeSpurs: opts.removeSpurs ?? spurs,
    weighted: opts.weighted ?? true,
    countExcess: opts.countExcess ?? true,
    rosetteMatching: dataset === 4,
  };
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'number' && (!Number.isFinite(v) || v < 0)) throw new UsageError(`DIADEM ${k} must be a finite number >= 0 (got ${v})`);
  }
  return params;
}

/** A trajectory point; x/y or z may be undetermined (the jar's TRAJECTORY_NONE). */
interface Traj { x: number; y: number; z: number; xNone: boolean; zNone: boolean }

interface Lengths { path: number; xy: number; z: number }

/** An original SWC node of the scored tree (scaled z). */
interface SwcNodeRef { row: number; id: number; x: number; y: number; z: number; children: SwcNodeRef[]; parent: SwcNodeRef | null }

const LEFT = 1, RIGHT = 0;

class BNode {
  parent: BNode | null = null;
  left: BNode | null = null;
  right: BNode | null = null;
  /** The jar's side field defaults to RIGHT for nodes never attached with setLeft/setRight. */
  side = RIGHT;
  path = 0; xy = 0; zp = 0;
  parentTraj: Traj | null = null;
  leftTraj: Traj | null = null;
  rightTraj: Traj | null = null;
  /** position in the node list of its file (for the ordered neighbour search) */
  listIndex = -1;
  constructor(readonly swc: SwcNodeRef, readonly x: number, readonly y: number, readonly z: number) {}
  get isLeaf(): boolean { return this.left === null && this.right === null; }
  get hasChildren(): boolean { return !this.isLeaf; }
  get isLeft(): boolean { return this.side === LEFT; }
  get isRight(): boolean { return this.side === RIGHT; }
  setLeft(c: BNode | null): void {
    if (this.left) this.left.parent = null;
    this.left = c;
    if (c) { c.parent = this; c.side = LEFT; }
  }
  setRight(c: BNode | null): void {
    if (this.right) this.right.parent = null;
    this.right = c;
    if (c) { c.parent = this; c.side = RIGHT; }
  }
}

interface Point { x: number; y: number; z: number }

function xyDist(a: Point, b: Point): number {
  const dx = a.x - b.x, dy = a.y - b.y;
  return Math.sqrt(dx * dx + dy * dy);
}
function dist3(a: Point, b: Point): number {
  const dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

/** A file read the way the jar's ReadSWC reads it: a root and one reduced binary tree per stem. */
interface DiademTree {
  root: SwcNodeRef;
  heads: BNode[];
  /** terminals and branch points of the original tree by id (rosette matching only) */
  pathNodes: Map<number, SwcNodeRef>;
}

class DiademRun {
  readonly p: DiademParameterSet;
  private readonly matches = new Map<BNode, BNode>();
  private goldSpurs = new Set<BNode>();
  private testSpurs = new Set<BNode>();
  private readonly weights = new Map<BNode, number>();
  private readonly misses: BNode[] = [];
  private readonly excessNodes = new Map<BNode, number>();
  private continuationCount = 0;
  private distantCount = 0;

  constructor(params: DiademParameterSet) { this.p = params; }

  // ---------------------------------------------------------------- reading

  read(tree: Tree, name: string): DiademTree {
    const g = buildTreeGraph(tree);
    preorder(g, name); // refuses cycles
    if (g.roots.length === 0) throw new NeurotraceError(`${name}: no root node (every node has a parent)`);
    const sz = this.p.scaleZ;
    const refs = new Map<number, SwcNodeRef>();
    const make = (row: number, parent: SwcNodeRef | null): SwcNodeRef => {
      const ref: SwcNodeRef = { row, id: g.ids[row], x: g.x[row], y: g.y[row], z: sz === 1 ? g.z[row] : sz * g.z[row], children: [], parent };
      refs.set(row, ref);
      return ref;
    };
    // Only the first tree in file order is scored (v2.1: "Only the first tree ... is being used").
    const root = make(g.roots[0], null);
    const stack = [root];
    while (stack.length) {
      const v = stack.pop()!;
      for (let c = g.childStart[v.row]; c < g.childStart[v.row + 1]; c++) {
        const child = make(g.childIdx[c], v);
        v.children.push(child);
        stack.push(child);
      }
    }
    const heads: BNode[] = [];
    const rootWrapper = new BNode(root, root.x, root.y, root.z);
    for (const stem of root.children) {
      const head = this.toBinary(stem);
      head.parent = rootWrapper; // side stays RIGHT, as with the jar's setParent
      this.calculateTrajectories(head);
      heads.push(this.removeContinuations(root, head));
    }
    const pathNodes = new Map<number, SwcNodeRef>();
    if (this.p.rosetteMatching) {
      for (const ref of refs.values()) if (ref.children.length !== 1) pathNodes.set(ref.id, ref);
    }
    return { root, heads, pathNodes };
  }

  private wrap(ref: SwcNodeRef): BNode { return new BNode(ref, ref.x, ref.y, ref.z); }

  private toBinary(head: SwcNodeRef): BNode {
    const root = this.wrap(head);
    const stack = [root];
    while (stack.length) {
      const node = stack.pop()!;
      const kids = node.swc.children;
      if (kids.length > 1) {
        const top = this.binarise(node, kids);
        node.setLeft(top.left);
        node.setRight(top.right);
        const recent: BNode[] = [top.left!, top.right!];
        while (recent.length) {
          const r = recent.pop()!;
          if (r.isLeaf) stack.push(r);
          else recent.push(r.left!, r.right!);
        }
      } else if (kids.length === 1) {
        node.setLeft(this.wrap(kids[0]));
        stack.push(node.left!);
      }
    }
    return root;
  }

  /** Pairs the two closest children under a virtual node at the branch point until two remain. */
  private binarise(at: BNode, kids: SwcNodeRef[]): BNode {
    const list: (SwcNodeRef | BNode)[] = [...kids];
    let top: BNode | null = null;
    while (list.length > 1) {
      let b1 = 0, b2 = 1, best = -1;
      for (let i = 0; i < list.length - 1; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const a = list[i], c = list[j];
          const dx = a.x - c.x, dy = a.y - c.y, dz = a.z - c.z;
          const d2 = dx * dx + dy * dy + dz * dz;
          if (best === -1 || d2 < best) { best = d2; b1 = i; b2 = j; }
        }
      }
      const virtual = new BNode(at.swc, at.x, at.y, at.z);
      const first = list[b1], second = list[b2];
      virtual.setLeft(first instanceof BNode ? first : this.wrap(first));
      virtual.setRight(second instanceof BNode ? second : this.wrap(second));
      list.splice(b2, 1);
      list.splice(b1, 1);
      list.push(virtual);
      top = virtual;
    }
    return top!;
  }

  private calculateTrajectories(head: BNode): void {
    const thrXY = this.p.xyThreshold, thrZ = this.p.zThreshold;
    let node: BNode = head;
    while (node.left !== null && node.right === null) node = node.left;
    const stack = [node];
    while (stack.length) {
      node = stack.pop()!;
      const point: Traj = { x: 0, y: 0, z: 0, xNone: false, zNone: false };
      let doneX = false, doneZ = false;
      let c: BNode = node;
      let cData: Point = c;
      while (!doneX || !doneZ) {
        c = c.parent!;
        const prev = cData;
        cData = c;
        if (!doneX) {
          if (xyDist(node, cData) > thrXY) {
            const t = trajectoryXY(node, prev, cData, thrXY);
            point.x = t.x; point.y = t.y; doneX = true;
          } else if (c.parent === null) { point.x = cData.x; point.y = cData.y; doneX = true; }
        }
        if (!doneZ) {
          if (Math.abs(node.z - cData.z) > thrZ) { point.z = trajectoryZ(node, prev, cData, thrZ); doneZ = true; }
          else if (c.parent === null) { point.z = cData.z; doneZ = true; }
        }
      }
      node.parentTraj = point;
      if (!node.isLeaf) {
        node.leftTraj = this.childTrajectory(node, node.left!);
        node.rightTraj = this.childTrajectory(node, node.right!);
        for (const start of [node.left!, node.right!]) {
          let b = start;
          while (b.right === null && b.left !== null) b = b.left;
          stack.push(b);
        }
      }
    }
  }

  private childTrajectory(data: BNode, child: BNode): Traj {
    const thrXY = this.p.xyThreshold, thrZ = this.p.zThreshold;
    const point: Traj = { x: 0, y: 0, z: 0, xNone: false, zNone: false };
    let prev: Point = data;
    let doneX = false, doneZ = false;
    while (!doneX || !doneZ) {
      const c = child;
      if (!doneX) {
        if (xyDist(data, c) > thrXY) { const t = trajectoryXY(data, prev, c, thrXY); point.x = t.x; point.y = t.y; doneX = true; }
        else if (child.isLeaf) { point.x = c.x; point.y = c.y; doneX = true; }
        else if (child.right !== null) { point.xNone = true; doneX = true; }
      }
      if (!doneZ) {
        if (Math.abs(data.z - c.z) > thrZ) { point.z = trajectoryZ(data, prev, c, thrZ); doneZ = true; }
        else if (child.isLeaf) { point.z = c.z; doneZ = true; }
        else if (child.right !== null) { point.zNone = true; doneZ = true; }
      }
      prev = c;
      if (child.hasChildren) child = child.left!;
    }
    return point;
  }

  private pathData(node: BNode): void {
    if (node.path !== 0) return;
    const par = node.parent!;
    const xy = xyDist(par, node);
    node.path = this.p.zPath ? dist3(par, node) : xy;
    node.xy = xy;
    node.zp = Math.abs(par.z - node.z);
  }

  /** Drops single-child nodes, summing their path lengths into the node below. */
  private removeContinuations(root: SwcNodeRef, head: BNode): BNode {
    let headNode = head;
    const xy = xyDist(root, head);
    head.path = this.p.zPath ? dist3(root, head) : xy;
    head.xy = xy;
    head.zp = Math.abs(root.z - head.z);
    const stack = [head];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.isLeaf) continue;
      const left = node.left!;
      stack.push(left);
      this.pathData(left);
      if (node.right === null) {
        left.path += node.path; left.xy += node.xy; left.zp += node.zp;
        if (node === headNode) headNode = left;
        else if (node.isLeft) node.parent!.setLeft(left);
        else node.parent!.setRight(left);
      } else {
        stack.push(node.right);
        this.pathData(node.right);
      }
    }
    return headNode;
  }

  // ---------------------------------------------------------------- geometry helpers

  private within(a: Point, b: Point): boolean {
    return xyDist(a, b) <= this.p.xyThreshold && Math.abs(a.z - b.z) <= this.p.zThreshold + 0.1;
  }

  private withinDistant(a: Point, b: Point): boolean {
    return xyDist(a, b) <= this.p.xyThreshold * 3 && Math.abs(a.z - b.z) <= this.p.zThreshold * 3 + 0.1;
  }

  private endXY(gold: Point, traj: Traj, test: Point): number {
    return xyDist(gold, traj) - xyDist(test, traj);
  }

  private endZ(gold: Point, traj: Traj, test: Point): number {
    return Math.abs(gold.z - traj.z) - Math.abs(test.z - traj.z);
  }

  private pathLengthMatches(gold: Lengths, xyTest: number, zTest: number): boolean {
    let xyLimit = this.p.xyPathErrorThreshold, zLimit = this.p.zPathErrorThreshold;
    let xyErr = Math.abs(gold.xy - xyTest) / gold.path;
    let zErr = Math.abs(gold.z - zTest) / gold.path;
    if (gold.xy < this.p.xyThreshold) {
      if (xyTest < this.p.xyThreshold) xyErr = 0;
      else xyLimit = LOCAL_PATH_ERROR_THRESHOLD;
    }
    if (gold.z < this.p.zThreshold) {
      if (zTest < this.p.zThreshold) zErr = 0;
      else zLimit = LOCAL_PATH_ERROR_THRESHOLD;
    }
    return xyErr < xyLimit && zErr < zLimit;
  }

  /** The trajectory point from an ancestor toward a specific descendant (jar getTrajectoryForPath). */
  private trajectoryForPath(ancestor: BNode, descendant: BNode): Traj {
    const path: BNode[] = [];
    let d: BNode | null = descendant;
    while (d !== ancestor) {
      if (d === null) throw new Error('DIADEM: trajectory requested for a node outside the subtree');
      path.push(d);
      d = d.parent;
    }
    const traj: Traj = { x: 0, y: 0, z: 0, xNone: false, zNone: false };
    let cur = path.pop()!;
    let doneX = false, doneZ = false;
    while (path.length && (!doneX || !doneZ)) {
      const next = path.pop()!;
      const side = next.isLeft ? cur.leftTraj : next.isRight ? cur.rightTraj : null;
      if (side) {
        if (!doneX && !side.xNone) { traj.x = side.x; traj.y = side.y; doneX = true; }
        if (!doneZ && !side.zNone) { traj.z = side.z; doneZ = true; }
      }
      if (!doneX && xyDist(ancestor, next) > this.p.xyThreshold) {
        // the jar copies only x here; y keeps its default 0
        traj.x = trajectoryXY(ancestor, cur, next, this.p.xyThreshold).x;
        doneX = true;
      }
      if (!doneZ && Math.abs(ancestor.z - next.z) > this.p.zThreshold) {
        traj.z = trajectoryZ(ancestor, cur, next, this.p.zThreshold);
        doneZ = true;
      }
      cur = next;
    }
    if (!doneX) { traj.x = cur.x; traj.y = cur.y; }
    if (!doneZ) traj.z = cur.z;
    return traj;
  }

  /** Fills the undetermined parts of a stored trajectory in place, as the jar does. */
  private resolveInPlace(traj: Traj, ancestor: BNode, descendant: BNode): void {
    if (!traj.xNone && !traj.zNone) return;
    const tmp = this.trajectoryForPath(ancestor, descendant);
    if (traj.xNone) { traj.x = tmp.x; traj.y = tmp.y; traj.xNone = false; }
    if (traj.zNone) { traj.z = tmp.z; traj.zNone = false; }
  }

  // ---------------------------------------------------------------- neighbour search

  private indexes = new Map<BNode[], NodeListIndex>();

  private nearby(q: Point, list: BNode[], checkPreviousUse: boolean): BNode[] {
    let idx = this.indexes.get(list);
    if (!idx) { idx = new NodeListIndex(list); this.indexes.set(list, idx); }
    const out: BNode[] = [];
    const reach = Math.hypot(this.p.xyThreshold, this.p.zThreshold + 0.1) + 1e-9;
    idx.near(q, reach, (n) => {
      if ((!checkPreviousUse || !this.matches.has(n)) && this.within(q, n)) out.push(n);
    });
    out.sort((a, b) => idx!.position(a) - idx!.position(b));
    return out;
  }

  // ---------------------------------------------------------------- matching

  private matchPathLengthDifference(goldStart: BNode, testStart: BNode, goldList: BNode[], testList: BNode[]): number {
    if (testStart.parent === null) return 1;
    const goldTarget = goldStart;
    const goldPath: Lengths = { path: goldStart.path, xy: goldStart.xy, z: goldStart.zp };
    const testPath: Lengths = { path: testStart.path, xy: testStart.xy, z: testStart.zp };
    testPath.xy += this.endXY(goldStart, goldStart.parentTraj!, testStart);
    testPath.z += this.endZ(goldStart, goldStart.parentTraj!, testStart);
    let isBranchLeft = goldStart.isLeft;
    let gold = goldStart.parent!;
    let test = testStart.parent;
    const checked = new Set<BNode>();
    let notDone = true;
    while (notDone) {
      if (this.within(gold, test)) {
        const traj = isBranchLeft ? gold.leftTraj! : gold.rightTraj!;
        this.resolveInPlace(traj, gold, goldTarget);
        const xyTest = testPath.xy + this.endXY(gold, traj, test);
        const zTest = testPath.z + this.endZ(gold, traj, test);
        if (this.pathLengthMatches(goldPath, xyTest, zTest)) return Math.abs(goldPath.xy - xyTest) / goldPath.path;
        return 1;
      }
      if (goldPath.path < testPath.path) {
        if (gold.parent === null) { notDone = false; continue; }
        for (const nb of this.nearby(gold, testList, false)) if (checked.has(nb)) { notDone = false; break; }
        checked.add(gold);
        goldPath.path += gold.path; goldPath.xy += gold.xy; goldPath.z += gold.zp;
        isBranchLeft = gold.isLeft;
        gold = gold.parent;
      } else {
        if (test.parent === null) { notDone = false; continue; }
        for (const nb of this.nearby(test, goldList, false)) if (checked.has(nb)) { notDone = false; break; }
        checked.add(test);
        testPath.path += test.path; testPath.xy += test.xy; testPath.z += test.zp;
        test = test.parent;
      }
    }
    return 1;
  }

  private closestMatch(gold: BNode, goldList: BNode[], testList: BNode[]): BNode | null {
    const matchList: BNode[] = [];
    for (const t of this.nearby(gold, testList, true)) {
      if (this.matchPathLengthDifference(gold, t, goldList, testList) < 1) matchList.push(t);
    }
    if (matchList.length === 1) return matchList[0];
    if (matchList.length > 1) return this.bestMatch(matchList, gold, testList);
    return null;
  }

  /** Among several candidates, prefers one that a matched gold descendant connects back to. */
  private bestMatch(matchList: BNode[], gold: BNode, testList: BNode[]): BNode | null {
    let confirm: BNode[] = [];
    if (gold.hasChildren) {
      const pathMap = new Map<BNode, Lengths>([[gold, { path: 0, xy: 0, z: 0 }]]);
      const trajMap = new Map<BNode, Traj>([[gold.left!, gold.leftTraj!], [gold.right!, gold.rightTraj!]]);
      let current: BNode[] = [gold.left!, gold.right!];
      while (current.length > 0 && confirm.length === 0) {
        const next: BNode[] = [];
        for (const desc of current) {
          const targetTraj = trajMap.get(desc)!;
          this.resolveInPlace(targetTraj, gold, desc);
          const descTraj = desc.parentTraj!;
          if (desc.hasChildren) {
            next.push(desc.left!, desc.right!);
            trajMap.set(desc.left!, targetTraj);
            trajMap.set(desc.right!, targetTraj);
          }
          const parentLen = pathMap.get(desc.parent!)!;
          const goldPath: Lengths = { path: desc.path + parentLen.path, xy: desc.xy + parentLen.xy, z: desc.zp + parentLen.z };
          pathMap.set(desc, goldPath);
          for (const testDesc of this.nearby(desc, testList, true)) {
            const testPath: Lengths = { path: 0, xy: 0, z: 0 };
            let t: BNode = testDesc;
            while (t.parent !== null) {
              testPath.path += t.path; testPath.xy += t.xy; testPath.z += t.zp;
              t = t.parent;
              for (let k = 0; k < matchList.length; k++) {
                const m = matchList[k];
                if (t !== m) continue;
                const xyTest = testPath.xy + this.endXY(gold, targetTraj, t) + this.endXY(desc, descTraj, testDesc);
                const zTest = testPath.z + this.endZ(gold, targetTraj, t) + this.endZ(desc, descTraj, testDesc);
                if (this.pathLengthMatches(goldPath, xyTest, zTest)) { confirm.push(m); matchList.splice(k, 1); k--; }
              }
            }
          }
        }
        current = next;
      }
    }
    if (confirm.length === 1) return confirm[0];
    if (confirm.length === 0) confirm = matchList;
    let best: BNode | null = null, bestD = -1;
    for (const t of confirm) {
      const d = dist3(t, gold);
      if (bestD === -1 || d < bestD) { bestD = d; best = t; }
    }
    return best;
  }

  // ---------------------------------------------------------------- rosette termination matching (data set 4)

  private rosetteMatch(gold: BNode, goldList: BNode[], testList: BNode[], testTree: DiademTree): BNode | null {
    const candidates: BNode[] = [];
    for (const t of testList) {
      if (this.matches.has(t) || dist3(gold, t) >= ROSETTE_THRESHOLD) continue;
      let ok = true;
      if (t.hasChildren) {
        const stack = [t.right!, t.left!];
        while (stack.length) {
          const d = stack.pop()!;
          if (dist3(t, d) > ROSETTE_THRESHOLD) { ok = false; break; }
          // the jar checks only the two children (it never pushes grandchildren)
        }
      }
      if (ok) candidates.push(t);
    }
    const inList = new Set(candidates);
    const kept = candidates.filter((c) => {
      for (let a = c.parent; a; a = a.parent) if (inList.has(a)) return false;
      return true;
    });
    let best: BNode | null = null, lowest = -1;
    for (const t of kept) {
      let pd = this.matchPathLengthDifference(gold, t, goldList, testList);
      if (pd === 1) pd = this.rosettePathDifference(gold, t, goldList, testList, testTree);
      if (pd < 1 && (lowest === -1 || pd < lowest)) { lowest = pd; best = t; }
    }
    if (best && best.hasChildren) {
      const stack = [best.right!, best.left!];
      while (stack.length) {
        const d = stack.pop()!;
        this.matches.set(d, gold);
        if (d.hasChildren) stack.push(d.left!, d.right!);
      }
    }
    return best;
  }

  private rosettePathDifference(goldStart: BNode, testStart: BNode, goldList: BNode[], testList: BNode[], testTree: DiademTree): number {
    if (testStart.parent === null) return -1;
    let node = testTree.pathNodes.get(testStart.swc.id) ?? null;
    let running = 0, selected = 0, smallest = -1;
    let found = false, wasOutside = true;
    while (node) {
      const d = dist3(node, goldStart);
      if (this.within(node, goldStart)) {
        found = true;
        if (wasOutside || d <= smallest) { smallest = d; selected = running; }
        wasOutside = false;
      } else wasOutside = true;
      if (!node.parent) break;
      running += dist3(node, node.parent);
      node = node.parent;
      if (node.children.length >= 2) break;
    }
    if (!found) return 1;
    let goldPath = goldStart.path;
    let testPath = testStart.path - selected;
    let gold = goldStart.parent!;
    let test = testStart.parent;
    const checked = new Set<BNode>();
    let notDone = true;
    while (notDone) {
      if (this.within(gold, test)) {
        const diff = Math.abs(goldPath - testPath) - dist3(gold, test);
        const pd = diff / goldPath;
        return pd < this.p.xyPathErrorThreshold ? pd : 1;
      }
      if (goldPath < testPath) {
        if (gold.parent === null) { notDone = false; continue; }
        for (const nb of this.nearby(gold, testList, false)) if (checked.has(nb)) { notDone = false; break; }
        checked.add(gold);
        goldPath += gold.path;
        gold = gold.parent;
      } else {
        if (test.parent === null) { notDone = false; continue; }
        for (const nb of this.nearby(test, goldList, false)) if (checked.has(nb)) { notDone = false; break; }
        checked.add(test);
        testPath += test.path;
        test = test.parent;
      }
    }
    return 1;
  }

  // ---------------------------------------------------------------- continuations

  private isContinuation(gold: BNode, testList: BNode[], addToLists: boolean): boolean {
    if (!gold.hasChildren) return false;
    const goldPath: Lengths = { path: gold.path, xy: gold.xy, z: gold.zp };
    let ancestor = gold.parent;
    let isBranchLeft = gold.isLeft;
    while (ancestor !== null) {
      const known = this.matches.get(ancestor);
      if (known !== undefined) return this.continuationVia(gold, ancestor, known, isBranchLeft, goldPath, testList, addToLists);
      for (const m of this.nearby(ancestor, testList, true)) {
        if (this.continuationVia(gold, ancestor, m, isBranchLeft, goldPath, testList, addToLists)) return true;
      }
      goldPath.path += ancestor.path; goldPath.xy += ancestor.xy; goldPath.z += ancestor.zp;
      isBranchLeft = ancestor.isLeft;
      ancestor = ancestor.parent;
    }
    return false;
  }

  private continuationVia(gold: BNode, ancestor: BNode, ancestorMatch: BNode, isLeftBranch: boolean, goldPath: Lengths,
    testList: BNode[], addToLists: boolean): boolean {
    const pathMap = new Map<BNode, Lengths>([[gold, goldPath]]);
    const ancestorTraj = isLeftBranch ? ancestor.leftTraj! : ancestor.rightTraj!;
    const l = this.descendantMatch(gold.left!, ancestor, ancestorMatch, ancestorTraj, pathMap, testList);
    const r = this.descendantMatch(gold.right!, ancestor, ancestorMatch, ancestorTraj, pathMap, testList);
    if (l && r) {
      const lca = leastCommonAncestor(l, r, ancestorMatch);
      if (lca !== null && this.withinDistant(lca, gold)) {
        this.matches.set(gold, lca);
        this.matches.set(lca, gold);
        if (addToLists) this.distantCount++;
      } else if (addToLists) this.continuationCount++;
      return true;
    }
    if (l || r) {
      if (addToLists) this.continuationCount++;
      return true;
    }
    return false;
  }

  private descendantMatch(first: BNode, ancestor: BNode, ancestorMatch: BNode, ancestorTraj: Traj,
    pathMap: Map<BNode, Lengths>, testList: BNode[]): BNode | null {
    let specific = ancestorTraj;
    const stack = [first];
    while (stack.length) {
      const gold = stack.pop()!;
      const descTraj = gold.parentTraj!;
      const known = this.matches.get(gold);
      const candidates = known !== undefined ? [known] : this.nearby(gold, testList, false);
      const prev = pathMap.get(gold.parent!)!;
      const goldPath: Lengths = { path: gold.path + prev.path, xy: gold.xy + prev.xy, z: gold.zp + prev.z };
      pathMap.set(gold, goldPath);
      for (const child of candidates) {
        const testPath: Lengths = { path: child.path, xy: child.xy, z: child.zp };
        let tmp: BNode | null = child.parent;
        let done = tmp === ancestorMatch;
        while (!done) {
          const cached = pathMap.get(tmp!);
          if (cached !== undefined) {
            testPath.path += cached.path; testPath.xy += cached.xy; testPath.z += cached.z;
            done = true;
          } else {
            testPath.path += tmp!.path; testPath.xy += tmp!.xy; testPath.z += tmp!.zp;
            tmp = tmp!.parent;
            if (tmp === null) done = true;
          }
          if (tmp === ancestorMatch) done = true;
        }
        if (tmp === null) continue;
        pathMap.set(child, testPath);
        if (ancestorTraj.xNone || ancestorTraj.zNone) {
          specific = this.trajectoryForPath(ancestor, gold);
          if (!ancestorTraj.xNone) { specific.x = ancestorTraj.x; specific.y = ancestorTraj.y; }
          if (!ancestorTraj.zNone) specific.z = ancestorTraj.z;
        }
        const xyTest = testPath.xy + this.endXY(ancestor, specific, ancestorMatch) + this.endXY(gold, descTraj, child);
        const zTest = testPath.z + this.endZ(ancestor, specific, ancestorMatch) + this.endZ(gold, descTraj, child);
        if (this.pathLengthMatches(goldPath, xyTest, zTest)) return child;
      }
      if (gold.hasChildren && !this.matches.has(gold)) stack.push(gold.left!, gold.right!);
    }
    return null;
  }

  // ---------------------------------------------------------------- spurs, weights, excess

  private removeSpurs(heads: BNode[], threshold: number): Set<BNode> {
    const spurs = new Set<BNode>();
    for (const head of heads) {
      const stack = [head];
      while (stack.length) {
        const node = stack.pop()!;
        if (node.hasChildren) { stack.push(node.left!, node.right!); continue; }
        if (!(node.path < threshold) || this.matches.has(node)) continue;
        let both = false;
        spurs.add(node);
        if (node.isRight) {
          const sibling = node.parent?.left ?? null;
          // the jar tests `node` (not the sibling) for a match here
          if (sibling && !sibling.hasChildren && sibling.path < threshold && !this.matches.has(node)) {
            both = true;
            spurs.add(sibling);
            stack.pop();
          }
        }
        if (!both && node.parent) spurs.add(node.parent);
      }
    }
    return spurs;
  }

  private generateWeights(heads: BNode[]): void {
    for (const head of heads) {
      const init = [head], main = [head];
      while (init.length) {
        const node = init.pop()!;
        if (node.hasChildren) { init.push(node.left!, node.right!); main.push(node.left!, node.right!); }
      }
      while (main.length) {
        const node = main.pop()!;
        if (node.isLeaf) { this.weights.set(node, 1); continue; }
        const l = node.left!, r = node.right!;
        let w: number;
        if (l.isLeaf && r.isLeaf) w = this.goldSpurs.has(l) || this.goldSpurs.has(r) ? 1 : 2;
        else if (this.goldSpurs.has(node)) w = l.isLeaf ? this.weights.get(r)! : this.weights.get(l)!;
        else w = this.weights.get(l)! + this.weights.get(r)!;
        this.weights.set(node, w);
      }
    }
  }

  private weighExcess(testHeads: BNode[], goldHeads: BNode[]): number {
    const goldList = nodeList(goldHeads);
    let sum = 0;
    const use: BNode[] = [];
    for (const head of testHeads) {
      const setup = [head];
      while (setup.length) {
        const node = setup.pop()!;
        if (node.hasChildren) {
          setup.push(node.left!, node.right!);
          use.push(node.left!, node.right!); // the head itself is never excess
        }
      }
    }
    const direct = new Map<BNode, number>();
    while (use.length) {
      const node = use.pop()!;
      let excess = 0;
      if (node.hasChildren) {
        excess = direct.get(node.left!)! + direct.get(node.right!)!;
        if (!this.matches.has(node) && this.nearby(node, goldList, true).length === 0 && !this.isContinuation(node, goldList, false)) {
          this.excessNodes.set(node, excess);
          if (!this.testSpurs.has(node)) sum += excess;
        } else excess = 0;
      } else if (!this.testSpurs.has(node) && !this.matches.has(node) && !(node.parent && this.matches.has(node.parent))
        && this.nearby(node, goldList, true).length === 0) {
        excess = 1;
        this.excessNodes.set(node, 1);
        sum += 1;
      }
      direct.set(node, excess);
    }
    return sum;
  }

  // ---------------------------------------------------------------- scoring

  score(gold: DiademTree, test: DiademTree): DiademScore {
    const p = this.p;
    if (p.removeSpurs > 0) this.goldSpurs = this.removeSpurs(gold.heads, p.removeSpurs);
    this.generateWeights(gold.heads);

    const baselineRoot = new BNode(gold.root, gold.root.x, gold.root.y, gold.root.z);
    const sampleRoot = new BNode(test.root, test.root.x, test.root.y, test.root.z);
    for (const r of [baselineRoot, sampleRoot]) {
      const self: Traj = { x: r.x, y: r.y, z: r.z, xNone: false, zNone: false };
      r.leftTraj = self; r.rightTraj = { ...self };
    }
    this.matches.set(baselineRoot, sampleRoot);
    const testList = nodeList(test.heads);
    for (const h of test.heads) h.parent = sampleRoot;
    const goldList = nodeList(gold.heads);
    for (const h of gold.heads) h.parent = baselineRoot;
    testList.forEach((n, i) => { n.listIndex = i; });

    let scoreSum = 0, weightSum = 0, direct = 0;
    for (const head of gold.heads) {
      const stack = [head];
      while (stack.length) {
        const g = stack.pop()!;
        if (g.hasChildren) stack.push(g.left!, g.right!);
        if (this.goldSpurs.has(g)) continue;
        const w = p.weighted ? this.weights.get(g)! : 1;
        weightSum += w;
        const m = p.rosetteMatching && g.isLeaf ? this.rosetteMatch(g, goldList, testList, test) : this.closestMatch(g, goldList, testList);
        if (m) {
          this.matches.set(g, m);
          this.matches.set(m, g);
          scoreSum += w;
          direct++;
        } else this.misses.push(g);
      }
    }
    for (let i = 0; i < this.misses.length; i++) {
      const g = this.misses[i];
      if (!g.isLeaf && this.isContinuation(g, testList, true)) {
        scoreSum += p.weighted ? this.weights.get(g)! : 1;
        this.misses.splice(i, 1);
        i--;
      }
    }
    let excessWeight = 0;
    let score: number | null = null;
    if (weightSum > 0) {
      if (p.countExcess) {
        if (p.removeSpurs > 0) this.testSpurs = this.removeSpurs(test.heads, p.removeSpurs);
        excessWeight = this.weighExcess(test.heads, gold.heads);
      }
      score = scoreSum / (weightSum + excessWeight);
    }
    const report = (n: BNode, w: number): DiademNode => ({ x: n.x, y: n.y, z: p.scaleZ !== 0 ? n.z / p.scaleZ : 0, weight: w });
    return {
      score,
      scoreSum,
      goldWeight: weightSum,
      excessWeight,
      directMatches: direct,
      continuations: this.continuationCount,
      distantMatches: this.distantCount,
      misses: this.misses.map((n) => report(n, p.weighted ? this.weights.get(n)! : 1)),
      excess: [...this.excessNodes].map(([n, w]) => report(n, w)),
      parameters: p,
    };
  }
}

function trajectoryXY(origin: Point, first: Point, second: Point, threshold: number): { x: number; y: number } {
  const toFirst = xyDist(origin, first), toSecond = xyDist(origin, second);
  const prop = (threshold - toFirst) / (toSecond - toFirst);
  return { x: first.x + prop * (second.x - first.x), y: first.y + prop * (second.y - first.y) };
}

function trajectoryZ(origin: Point, first: Point, second: Point, threshold: number): number {
  const toFirst = Math.abs(origin.z - first.z), toSecond = Math.abs(origin.z - second.z);
  const prop = (threshold - toFirst) / (toSecond - toFirst);
  return first.z + prop * (second.z - first.z);
}

/** Pre-order, left first, of every reduced tree (jar BinaryTreeUtils.createNodeList). */
function nodeList(heads: BNode[]): BNode[] {
  const out: BNode[] = [];
  for (const head of heads) {
    const stack = [head];
    while (stack.length) {
      const n = stack.pop()!;
      out.push(n);
      if (n.hasChildren) stack.push(n.right!, n.left!);
    }
  }
  return out;
}

function leastCommonAncestor(a: BNode, b: BNode, known: BNode): BNode | null {
  const ancestorsOfA = new Set<BNode>();
  for (let n = a.parent; n !== known; n = n.parent) {
    if (n === null) return null;
    ancestorsOfA.add(n);
  }
  for (let n: BNode | null = b; n !== known && n !== null; n = n.parent) if (ancestorsOfA.has(n)) return n;
  return null;
}

/** Position-ordered radius search over one file's node list. */
class NodeListIndex {
  private readonly bvh: SegmentBvh;
  private readonly pos = new Map<BNode, number>();
  constructor(private readonly list: BNode[]) {
    const seg = new Float64Array(list.length * 6);
    list.forEach((n, i) => {
      seg[6 * i] = seg[6 * i + 3] = n.x;
      seg[6 * i + 1] = seg[6 * i + 4] = n.y;
      seg[6 * i + 2] = seg[6 * i + 5] = n.z;
      this.pos.set(n, i);
    });
    this.bvh = new SegmentBvh(seg);
  }
  near(q: Point, radius: number, visit: (n: BNode) => void): void {
    this.bvh.near(q.x, q.y, q.z, radius, (i) => visit(this.list[i]));
  }
  position(n: BNode): number { return this.pos.get(n)!; }
}

export function diadem(gold: Tree, test: Tree, opts: DiademOptions = {}): DiademScore {
  const run = new DiademRun(diademParameters(opts));
  const g = run.read(gold, opts.goldName ?? 'gold');
  const t = run.read(test, opts.testName ?? 'test');
  return run.score(g, t);
}

