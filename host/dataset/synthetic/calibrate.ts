/**
 * Finding the photon budget that gives an image its target SNR (synthetic_data.md §3: render,
 * measure, solve for N_peak, re-measure). SNR grows roughly as a power of the peak photon count P
 * (∝ P when the background is shot-noise limited, ∝ √P when the signal's own noise dominates,
 * flat once a slow background field limits it), so a secant on log–log scales converges in a few
 * previews; each step is limited to a factor of 8 so saturation or a flat stretch cannot throw
 * it off, and the closest preview wins if it does not converge.
 */
export interface Solution {
  P: number;
  snr: number;
  evaluations: number;
}

/** Relative SNR error (in log) accepted as converged. */
const TOLERANCE = 0.005;

export function solvePeakPhotons(target: number, preview: (P: number) => number, initialP: number, maxEvaluations = 12): Solution {
  let evaluations = 0;
  let best: Solution = { P: initialP, snr: NaN, evaluations: 0 };
  let bestErr = Infinity;
  const at = (P: number) => {
    evaluations++;
    const snr = preview(P);
    const err = Math.abs(Math.log(snr / target));
    if (err < bestErr) {
      bestErr = err;
      best = { P, snr, evaluations: 0 };
    }
    return snr;
  };
  const step = (ratio: number) => Math.min(8, Math.max(1 / 8, Number.isFinite(ratio) && ratio > 0 ? ratio : 2));
  let P0 = initialP;
  let s0 = at(P0);
  if (bestErr < TOLERANCE) return { ...best, evaluations };
  let P1 = P0 * step(target / s0);
  let s1 = at(P1);
  while (bestErr >= TOLERANCE && evaluations < maxEvaluations) {
    let slope = (Math.log(s1) - Math.log(s0)) / (Math.log(P1) - Math.log(P0));
    if (!(slope > 0.05)) slope = 1;
    const P2 = P1 * step(Math.exp((Math.log(target) - Math.log(s1)) / slope));
    [P0, s0, P1] = [P1, s1, P2];
    s1 = at(P1);
  }
  return { ...best, evaluations };
}
