// Derivative-free minimisation (Nelder–Mead) for the maximum-likelihood fits. Deterministic: the same
// function and start point always give the same answer, which keeps reports reproducible.

export interface NelderMeadOptions {
  /** Edge length of the starting simplex along each axis (one number or one per coordinate). */
  initialStep?: number | readonly number[];
  /** Converged when every vertex is within this distance (max norm) of the best one… */
  xTolerance?: number;
  /** …and every vertex value is within this of the best value. */
  fTolerance?: number;
  /** Hard limit on function evaluations over all restarts. */
  maxEvaluations?: number;
  /** Limit on restarts from the best point (each restart rebuilds a full-size simplex there). */
  maxRestarts?: number;
}

export interface NelderMeadResult {
  /** Best point found. */
  x: number[];
  /** Function value there. */
  value: number;
  evaluations: number;
  /** Number of restarts performed after the first run. */
  restarts: number;
  /** False when the evaluation budget ran out before the tolerances were met. */
  converged: boolean;
}

// Standard coefficients (Nelder & Mead 1965): reflection, expansion, contraction, shrink.
const REFLECT = 1;
const EXPAND = 2;
const CONTRACT = 0.5;
const SHRINK = 0.5;

interface Vertex {
  x: Float64Array;
  f: number;
}

/**
 * Minimise f from start with the Nelder–Mead simplex method.
 *
 * A simplex can collapse onto a line and stop short of the minimum, so after each convergence the
 * search restarts with a fresh full-size simplex at the best point, and stops when a restart no longer
 * improves the value by more than fTolerance. Non-finite values of f (e.g. overflow far from the
 * optimum) are treated as +Infinity, so the simplex simply moves away from them.
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const dim = start.length;
  if (dim === 0) throw new RangeError("nelderMead: start point must have at least one coordinate");
  const steps = stepVector(options.initialStep ?? 0.1, dim);
  const xTolerance = options.xTolerance ?? 1e-8;
  const fTolerance = options.fTolerance ?? 1e-10;
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  const maxRestarts = options.maxRestarts ?? 20;

  let evaluations = 0;
  const evaluate = (x: Float64Array): number => {
    evaluations++;
    const value = f(x);
    return Number.isNaN(value) ? Infinity : value;
  };

  let best: Vertex = { x: Float64Array.from(start), f: NaN };
  best.f = evaluate(best.x);
  let restarts = -1;
  let converged = false;
  while (restarts < maxRestarts) {
    restarts++;
    const run = runSimplex(evaluate, best, steps, xTolerance, fTolerance, () => evaluations >= maxEvaluations);
    const improvement = best.f - run.best.f;
    if (run.best.f <= best.f) best = run.best;
    converged = run.converged;
    if (!run.converged || !(improvement > fTolerance)) break;
  }
  return { x: Array.from(best.x), value: best.f, evaluations, restarts: Math.max(restarts, 0), converged };
}

function stepVector(step: number | readonly number[], dim: number): Float64Array {
  if (typeof step === "number") return new Float64Array(dim).fill(step);
  if (step.length !== dim) throw new RangeError(`nelderMead: initialStep needs ${dim} entries, got ${step.length}`);
  return Float64Array.from(step);
}

/** One Nelder–Mead run from a simplex built around `origin`. */
function runSimplex(
  evaluate: (x: Float64Array) => number,
  origin: Vertex,
  steps: Float64Array,
  xTolerance: number,
  fTolerance: number,
  outOfBudget: () => boolean,
): { best: Vertex; converged: boolean } {
  const dim = origin.x.length;
  const simplex: Vertex[] = [{ x: Float64Array.from(origin.x), f: origin.f }];
  for (let i = 0; i < dim; i++) {
    const x = Float64Array.from(origin.x);
    x[i] += steps[i];
    simplex.push({ x, f: evaluate(x) });
  }
  const centroid = new Float64Array(dim);
  while (true) {
    // Stable sort keeps the order of equal values fixed, so runs are reproducible.
    simplex.sort((p, q) => p.f - q.f);
    if (hasConverged(simplex, xTolerance, fTolerance)) return { best: simplex[0], converged: true };
    if (outOfBudget()) return { best: simplex[0], converged: false };

    const worst = simplex[dim];
    centroid.fill(0);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) centroid[j] += simplex[i].x[j] / dim;

    const reflected = pointAlong(centroid, worst.x, -REFLECT);
    const fr = evaluate(reflected);
    if (fr < simplex[0].f) {
      const expanded = pointAlong(centroid, worst.x, -EXPAND);
      const fe = evaluate(expanded);
      simplex[dim] = fe < fr ? { x: expanded, f: fe } : { x: reflected, f: fr };
      continue;
    }
    if (fr < simplex[dim - 1].f) {
      simplex[dim] = { x: reflected, f: fr };
      continue;
    }
    // Contract towards the better of the worst point and its reflection.
    const outside = fr < worst.f;
    const contracted = pointAlong(centroid, worst.x, outside ? -CONTRACT : CONTRACT);
    const fc = evaluate(contracted);
    if (fc < (outside ? fr : worst.f)) {
      simplex[dim] = { x: contracted, f: fc };
      continue;
    }
    shrinkTowardsBest(simplex, evaluate);
  }
}

/** centroid + t · (point − centroid). */
function pointAlong(centroid: Float64Array, point: Float64Array, t: number): Float64Array {
  const out = new Float64Array(centroid.length);
  for (let j = 0; j < centroid.length; j++) out[j] = centroid[j] + t * (point[j] - centroid[j]);
  return out;
}

function shrinkTowardsBest(simplex: Vertex[], evaluate: (x: Float64Array) => number): void {
  const best = simplex[0].x;
  for (let i = 1; i < simplex.length; i++) {
    const x = pointAlong(best, simplex[i].x, SHRINK);
    simplex[i] = { x, f: evaluate(x) };
  }
}

function hasConverged(simplex: Vertex[], xTolerance: number, fTolerance: number): boolean {
  const best = simplex[0];
  for (let i = 1; i < simplex.length; i++) {
    const v = simplex[i];
    if (!(Math.abs(v.f - best.f) <= fTolerance)) return false;
    for (let j = 0; j < best.x.length; j++) if (Math.abs(v.x[j] - best.x[j]) > xTolerance) return false;
  }
  return true;
}
