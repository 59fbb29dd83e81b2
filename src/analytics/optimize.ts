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
export function nelderMead(f: (x: Float64Array) => number, start: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
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

export interface BfgsOptions {
  /** Converged when every component of the gradient is at most this in absolute value… */
  gradientTolerance?: number;
  /** …or when a step changes no coordinate by more than this (and f by no more than rounding). */
  xTolerance?: number;
  maxIterations?: number;
}

export interface BfgsResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Minimise a smooth f from `start` with the BFGS quasi-Newton method and a backtracking (Armijo)
 * line search. `f(x, gradient)` returns f(x) and writes ∇f(x) into `gradient`; a non-finite value is
 * treated as +Infinity (the line search backs off). Meant to polish a point that is already near the
 * minimum (the fits start it from a Nelder–Mead fit on a sample): it converges in a few dozen
 * evaluations where Nelder–Mead needs hundreds. `converged: false` tells the caller to fall back.
 */
export function bfgs(f: (x: Float64Array, gradient: Float64Array) => number, start: readonly number[], options: BfgsOptions = {}): BfgsResult {
  const n = start.length;
  const gradientTolerance = options.gradientTolerance ?? 1e-10;
  const xTolerance = options.xTolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 200;
  let x = Float64Array.from(start);
  let g = new Float64Array(n);
  let fx = f(x, g);
  let evaluations = 1;
  const finite = (v: Float64Array) => v.every(Number.isFinite);
  const result = (iterations: number, converged: boolean): BfgsResult => ({ x: Array.from(x), value: fx, iterations, evaluations, converged });
  if (!Number.isFinite(fx) || !finite(g)) return result(0, false);

  // H approximates the inverse Hessian, row-major.
  const H = new Float64Array(n * n);
  const resetH = (scale: number) => {
    H.fill(0);
    for (let i = 0; i < n; i++) H[i * n + i] = scale;
  };
  resetH(1);
  const d = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    let gMax = 0;
    for (let i = 0; i < n; i++) gMax = Math.max(gMax, Math.abs(g[i]));
    if (gMax <= gradientTolerance) return result(iteration - 1, true);

    let slope = 0;
    for (let i = 0; i < n; i++) {
      let di = 0;
      for (let j = 0; j < n; j++) di -= H[i * n + j] * g[j];
      d[i] = di;
      slope += di * g[i];
    }
    if (!(slope < 0)) {
      // Not a descent direction (H lost positive definiteness): steepest descent, fresh H.
      resetH(1);
      slope = 0;
      for (let i = 0; i < n; i++) {
        d[i] = -g[i];
        slope -= g[i] * g[i];
      }
    }
    // The decrease a full quasi-Newton step promises (about −slope / 2) is below the rounding of f:
    // nothing left to gain.
    if (-slope <= 1e-14 * Math.max(1, Math.abs(fx))) return result(iteration - 1, true);

    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 60; tries++, step *= 0.5) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = f(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && finite(gNew) && fNew <= fx + 1e-4 * step * slope) break;
      fNew = Infinity;
    }
    if (!Number.isFinite(fNew)) return result(iteration, false);

    let sy = 0;
    let yy = 0;
    let sMax = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
      yy += y[i] * y[i];
      sMax = Math.max(sMax, Math.abs(s[i]));
    }
    const fOld = fx;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (sMax <= xTolerance && Math.abs(fOld - fx) <= 1e-15 * Math.max(1, Math.abs(fx))) return result(iteration, true);
    if (sy > 1e-300) {
      if (iteration === 1) resetH(sy / yy);
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1 / (sᵀy)
      const rho = 1 / sy;
      let yHy = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H[i * n + j] * y[j];
        Hy[i] = v;
        yHy += y[i] * v;
      }
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * n + j] += rho * ((1 + rho * yHy) * s[i] * s[j] - Hy[i] * s[j] - s[i] * Hy[j]);
    }
  }
  return result(maxIterations, false);
}

/** The search box of minimisePositive: every parameter stays within [1/LIMIT, LIMIT]. */
const POSITIVE_LIMIT = 1e8;
/** A fitted parameter beyond [1/EDGE, EDGE] sits at the edge of the parameter space. */
const POSITIVE_EDGE = 1e4;

export interface PositiveFit {
  /** The parameters at the minimum found. */
  values: number[];
  /** f there. */
  value: number;
  /**
   * Indices of the parameters that ran to the edge of the space (below 1e-4 or above 1e4): the data
   * cannot pin them down (e.g. a shape parameter running to infinity when every customer looks alike),
   * so the fit is not a result to report.
   */
  atEdge: number[];
}

/** True when every log-parameter lies inside the search box of the positive fits ([1e-8, 1e8]). */
export function insideBox(logParams: ArrayLike<number>): boolean {
  const limit = Math.log(POSITIVE_LIMIT);
  for (let i = 0; i < logParams.length; i++) if (!(Math.abs(logParams[i]!) <= limit)) return false;
  return true;
}

/** Indices of the fitted (positive) parameters at the edge of the parameter space (see PositiveFit). */
export function atEdge(values: readonly number[]): number[] {
  return values.flatMap((v, i) => (v > POSITIVE_EDGE || v < 1 / POSITIVE_EDGE ? [i] : []));
}

/**
 * Minimise f over positive parameters with Nelder–Mead on their logarithms, inside the box
 * [1e-8, 1e8] (outside it f counts as +Infinity, so a fit that wants to run to infinity stops at the
 * box instead of overflowing), and report which parameters ended at the edge.
 */
export function minimisePositive(f: (values: Float64Array) => number, start: readonly number[], options: NelderMeadOptions = {}): PositiveFit {
  const values = new Float64Array(start.length);
  const result = nelderMead(
    (p) => {
      if (!insideBox(p)) return Infinity;
      for (let i = 0; i < p.length; i++) values[i] = Math.exp(p[i]!);
      return f(values);
    },
    start.map(Math.log),
    { initialStep: 0.5, xTolerance: 1e-6, fTolerance: 1e-11, ...options },
  );
  const fitted = result.x.map(Math.exp);
  return { values: fitted, value: result.value, atEdge: atEdge(fitted) };
}
