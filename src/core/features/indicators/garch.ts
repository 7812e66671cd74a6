import { Indicator } from './indicator';
/**
 * GARCH(1,1) with zero mean: r[t] = sigma[t] * z[t], sigma2[t] = omega + alpha * r[t-1]^2 + beta * sigma2[t-1],
 * sigma2 of the first observation = mean(r^2) of the sample. Parameters are fitted by Gaussian maximum
 * likelihood with BFGS on an unconstrained reparametrization (omega = s^2 * e^a, alpha + beta =
 * 0.99999 * logistic(b), alpha = (alpha + beta) * logistic(c)) using analytic gradients; the data are
 * scaled by their RMS s for conditioning.
 */
export interface GarchParams {
  omega: number;
  alpha: number;
  beta: number;
}

export interface GarchFit extends GarchParams {
  /** Mean negative log-likelihood per observation (without the constant 0.5 * ln(2 pi)). */
  nll: number;
  iterations: number;
  converged: boolean;
}

const PMAX = 0.99999;
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));
const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** Mean Gaussian negative log-likelihood of zero-mean returns `y` under GARCH(1,1) (constant dropped). */
export function garchNll(y: ArrayLike<number>, p: GarchParams): number {
  const n = y.length;
  let v0 = 0;
  for (let i = 0; i < n; i++) v0 += y[i]! * y[i]!;
  v0 /= n;
  let s2 = v0;
  let nll = 0;
  for (let t = 0; t < n; t++) {
    const y2 = y[t]! * y[t]!;
    nll += Math.log(s2) + y2 / s2;
    s2 = p.omega + p.alpha * y2 + p.beta * s2;
  }
  return (0.5 * nll) / n;
}

/** Conditional variance after the last observation of `y` (the one-step-ahead forecast). */
export function garchFilter(y: ArrayLike<number>, p: GarchParams): number {
  const n = y.length;
  let v0 = 0;
  for (let i = 0; i < n; i++) v0 += y[i]! * y[i]!;
  v0 /= n;
  let s2 = v0;
  for (let t = 0; t < n; t++) s2 = p.omega + p.alpha * y[t]! * y[t]! + p.beta * s2;
  return s2;
}

/**
 * Objective in theta space on scaled data: mean nll and its gradient (written to g). `y2` holds the squared
 * scaled returns and `v0` their mean (the variance of the first observation), computed once per fit.
 */
function objective(y2: Float64Array, v0: number, th: Float64Array, g: Float64Array): number {
  const n = y2.length;
  const omega = Math.exp(th[0]!);
  const sb = logistic(th[1]!);
  const u = logistic(th[2]!);
  const p = PMAX * sb;
  const alpha = p * u;
  const beta = p - alpha;
  let s2 = v0;
  let dO = 0;
  let dA = 0;
  let dB = 0;
  let gO = 0;
  let gA = 0;
  let gB = 0;
  let nll = 0;
  for (let t = 0; t < n; t++) {
    const y2t = y2[t]!;
    const inv = 1 / s2;
    nll += Math.log(s2) + y2t * inv;
    const w = inv - y2t * inv * inv;
    gO += w * dO;
    gA += w * dA;
    gB += w * dB;
    dO = 1 + beta * dO;
    dA = y2t + beta * dA;
    dB = s2 + beta * dB;
    s2 = omega + alpha * y2t + beta * s2;
  }
  const k = 0.5 / n;
  g[0] = k * gO * omega;
  g[1] = k * (gA * alpha + gB * beta) * (1 - sb);
  g[2] = k * (gA - gB) * p * u * (1 - u);
  return k * nll;
}

function toTheta(p: GarchParams, scale2: number, th: Float64Array): void {
  const persist = clamp((p.alpha + p.beta) / PMAX, 1e-6, 1 - 1e-6);
  const u = clamp(p.alpha / Math.max(p.alpha + p.beta, 1e-12), 1e-6, 1 - 1e-6);
  th[0] = clamp(Math.log(Math.max(p.omega / scale2, 1e-12)), -27, 5);
  th[1] = logit(persist);
  th[2] = logit(u);
}

const DEFAULT_START: GarchParams = { omega: 0.05, alpha: 0.08, beta: 0.87 };

/** Scratch buffers reused across fits of the same length (no allocation on refit). */
export class GarchFitter {
  private y2 = new Float64Array(0); // squared scaled returns
  private readonly th = new Float64Array(3);
  private readonly tn = new Float64Array(3);
  private readonly g = new Float64Array(3);
  private readonly gn = new Float64Array(3);
  private readonly d = new Float64Array(3);
  private readonly s = new Float64Array(3);
  private readonly yv = new Float64Array(3);
  private readonly hy = new Float64Array(3);
  private readonly H = new Float64Array(9);

  /** Maximum-likelihood fit of GARCH(1,1) to zero-mean returns `r`; `start` warm-starts the search. */
  fit(r: ArrayLike<number>, start: GarchParams = DEFAULT_START, maxIter = 100, gradTol = 1e-6): GarchFit | null {
    const n = r.length;
    if (this.y2.length !== n) this.y2 = new Float64Array(n);
    let ms = 0;
    for (let i = 0; i < n; i++) ms += r[i]! * r[i]!;
    ms /= n;
    if (!(ms > 0) || !Number.isFinite(ms)) return null;
    const scale = Math.sqrt(ms);
    const y2 = this.y2;
    for (let i = 0; i < n; i++) {
      const y = r[i]! / scale;
      y2[i] = y * y;
    }
    let v0 = 0;
    for (let i = 0; i < n; i++) v0 += y2[i]!;
    v0 /= n;
    const { th, tn, g, gn, d, s, yv, hy, H } = this;
    toTheta(start, ms, th);
    H.fill(0);
    H[0] = H[4] = H[8] = 1;
    let f = objective(y2, v0, th, g);
    let iter = 0;
    let converged = false;
    for (; iter < maxIter; iter++) {
      const gmax = Math.max(Math.abs(g[0]!), Math.abs(g[1]!), Math.abs(g[2]!));
      if (gmax < gradTol) {
        converged = true;
        break;
      }
      let slope = 0;
      for (let i = 0; i < 3; i++) {
        d[i] = -(H[i * 3]! * g[0]! + H[i * 3 + 1]! * g[1]! + H[i * 3 + 2]! * g[2]!);
        slope += d[i]! * g[i]!;
      }
      if (!(slope < 0)) {
        H.fill(0);
        H[0] = H[4] = H[8] = 1;
        for (let i = 0; i < 3; i++) d[i] = -g[i]!;
        slope = -(g[0]! * g[0]! + g[1]! * g[1]! + g[2]! * g[2]!);
      }
      // keep steps moderate in theta space
      const dmax = Math.max(Math.abs(d[0]!), Math.abs(d[1]!), Math.abs(d[2]!));
      let step = dmax > 5 ? 5 / dmax : 1;
      let fn = Infinity;
      for (let ls = 0; ls < 40; ls++) {
        tn[0] = clamp(th[0]! + step * d[0]!, -27, 5);
        tn[1] = clamp(th[1]! + step * d[1]!, -30, 30);
        tn[2] = clamp(th[2]! + step * d[2]!, -30, 30);
        fn = objective(y2, v0, tn, gn);
        if (fn <= f + 1e-4 * step * slope) break;
        step *= 0.5;
      }
      if (!(fn <= f)) break; // no progress possible
      let sy = 0;
      for (let i = 0; i < 3; i++) {
        s[i] = tn[i]! - th[i]!;
        yv[i] = gn[i]! - g[i]!;
        sy += s[i]! * yv[i]!;
      }
      const df = f - fn;
      th.set(tn);
      g.set(gn);
      f = fn;
      if (df < 1e-12 * (1 + Math.abs(f))) {
        converged = true;
        iter++;
        break;
      }
      if (sy > 1e-16) {
        // BFGS inverse-Hessian update: H = (I - rho s y') H (I - rho y s') + rho s s'
        const rho = 1 / sy;
        let yHy = 0;
        for (let i = 0; i < 3; i++) {
          hy[i] = H[i * 3]! * yv[0]! + H[i * 3 + 1]! * yv[1]! + H[i * 3 + 2]! * yv[2]!;
          yHy += yv[i]! * hy[i]!;
        }
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            H[i * 3 + j] =
              H[i * 3 + j]! - rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
          }
        }
      }
    }
    const omega = Math.exp(th[0]!);
    const p = PMAX * logistic(th[1]!);
    const alpha = p * logistic(th[2]!);
    return { omega: omega * ms, alpha, beta: p - alpha, nll: f + 0.5 * Math.log(ms), iterations: iter, converged };
  }
}

/**
 * Streaming GARCH(1,1) conditional volatility (schedule documented in registry.ts). Feed the log return of
 * every candle (NaN for the first). Only closed returns enter the fits and the variance recursion, so
 * replace-updates of the open candle just recompute this candle's outputs.
 */
export class GarchVol extends Indicator {
  readonly window: number;
  readonly refitEvery: number;
  private readonly ring: Float64Array;
  private readonly scratch: Float64Array;
  private readonly fitter = new GarchFitter();
  private closed = 0;
  private t = 0;
  private lastFit = -Infinity;
  private curR = NaN;
  private params: GarchParams | null = null;
  private sigma2 = NaN; // variance of the current candle's return given closed history
  /** This candle's return over its predicted std. */
  stdResid = NaN;
  persistence = NaN;
  fits = 0;

  /** `value` is the one-step-ahead conditional std of the next return (after this candle). */
  constructor(window: number, refitEvery: number) {
    super();
    this.window = window;
    this.refitEvery = refitEvery;
    this.ring = new Float64Array(window);
    this.scratch = new Float64Array(window);
  }

  get current(): GarchParams | null {
    return this.params;
  }

  update(r: number, replace: boolean): number {
    if (!replace) {
      const t = this.t++;
      const prev = this.curR;
      if (prev === prev) {
        this.ring[this.closed % this.window] = prev;
        this.closed++;
        const p = this.params;
        if (p) this.sigma2 = p.omega + p.alpha * prev * prev + p.beta * this.sigma2;
      }
      if (this.closed >= this.window && t - this.lastFit >= this.refitEvery) this.refit(t);
    }
    this.curR = r;
    const p = this.params;
    if (p === null || r !== r) {
      this.result = this.stdResid = this.persistence = NaN;
      return NaN;
    }
    this.stdResid = r / Math.sqrt(this.sigma2);
    this.persistence = p.alpha + p.beta;
    return (this.result = Math.sqrt(p.omega + p.alpha * r * r + p.beta * this.sigma2));
  }

  private refit(t: number): void {
    const w = this.window;
    const start = this.closed % w; // oldest
    const sc = this.scratch;
    for (let i = 0; i < w; i++) sc[i] = this.ring[(start + i) % w]!;
    const fit = this.fitter.fit(sc, this.params ?? undefined);
    this.lastFit = t;
    if (!fit) return;
    this.params = { omega: fit.omega, alpha: fit.alpha, beta: fit.beta };
    this.sigma2 = garchFilter(sc, this.params);
    this.fits++;
  }
}

/**
 * Batch twin of GarchVol, fed from candle 0 with the log returns r (NaN for the first candle): writes the
 * conditional vol, standardized residual and persistence to the given columns (NaN before the first fit).
 * It steps one GarchVol: the per-candle recursion is cheap next to the refits, so one implementation serves both.
 */
export function garchBatch(
  r: Float64Array,
  window: number,
  refitEvery: number,
  volOut: Float64Array,
  residOut: Float64Array,
  persistenceOut: Float64Array,
): void {
  const garch = new GarchVol(window, refitEvery);
  for (let t = 0; t < r.length; t++) {
    volOut[t] = garch.update(r[t]!, false);
    residOut[t] = garch.stdResid;
    persistenceOut[t] = garch.persistence;
  }
}
