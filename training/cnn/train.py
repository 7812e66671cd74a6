"""Trains the pattern CNN's weights with NumPy (BLAS matmuls): the training engine of `npm run train:cnn`.

train.ts prepares the data (candles, rule labels, time-ordered splits) and calls this script; it hands the
weights back to train.ts, which exports them to a TensorFlow.js conv1d LayersModel. The network is the one in
model.ts, written the same way (im2col + matmul "same" Conv1D, kernel layout [k, in, out]):
    conv1d(3, 32, relu) -> conv1d(3, 64, relu) -> conv1d(3, 128, relu) -> flatten -> dense(256, relu) -> dense(15) (+ sigmoid)
trained with Adam (tfjs defaults: beta1 0.9, beta2 0.999, epsilon 1e-7) on the mean sigmoid cross-entropy.
Windows are normalised exactly as src/core/patterns/window.ts does (checked by tests/unit/training/numpy-trainer.test.ts).

Why NumPy: tfjs in Node here has no native backend; its wasm backend trains this network at ~500 windows/s
on this machine, NumPy with BLAS at several thousand, which is what fits the 30-minute budget.

Usage: train.py <data dir> <out dir> <config json>   (all arguments written by train.ts)
"""

import json
import os
import sys
import time

import numpy as np

WINDOW = 20
FEATURES = 5
K = 15
HIDDEN = 256  # model.ts HIDDEN; 128 up to pattern-cnn-1.7.0's stage 14 (see warm_start)
CLIP = 50.0
FLAT_SCALE_FRACTION = 1e-6
OPEN_GAP_MARGIN = 0.1
OPEN_RANGE_MARGIN = 0.1


def windows(cols, ends):
    """Normalised windows [len(ends), 20, 5] ending at global candle indices `ends` (window.ts, vectorised)."""
    idx = ends[:, None] + np.arange(-WINDOW + 1, 1)[None, :]
    w = cols[idx]  # [B, 20, 5] float64
    ref = w[:, -1, 3]
    rng = np.zeros(len(ends))
    vol = np.zeros(len(ends))
    for t in range(WINDOW):  # sequential sums, as window.ts adds them
        rng += w[:, t, 1] - w[:, t, 2]
        vol += w[:, t, 4]
    scale = rng / WINDOW
    flat = np.abs(ref) * FLAT_SCALE_FRACTION
    flat[flat == 0] = 1.0
    scale = np.where(scale > 0, scale, flat)
    mean_vol = vol / WINDOW
    out = np.empty((len(ends), WINDOW, FEATURES), dtype=np.float32)
    prices = (w[:, :, :4] - ref[:, None, None]) / scale[:, None, None]
    prices[:, 1:, 0] += OPEN_GAP_MARGIN * np.sign(w[:, 1:, 0] - w[:, :-1, 3])
    prices[:, 1:, 0] += OPEN_RANGE_MARGIN * ((w[:, 1:, 0] > w[:, :-1, 1]).astype(np.float64) - (w[:, 1:, 0] < w[:, :-1, 2]))
    out[:, :, :4] = np.clip(prices, -CLIP, CLIP)
    safe = np.where(mean_vol > 0, mean_vol, 1.0)
    v = np.where(mean_vol[:, None] > 0, np.log1p(w[:, :, 4] / safe[:, None]), 0.0)
    out[:, :, 4] = np.clip(v, -CLIP, CLIP)
    return out


def he_uniform(rng, shape, fan_in, scale=1.0):
    limit = np.sqrt(6.0 / fan_in)
    return ((rng.random(shape) * 2 - 1) * limit * scale).astype(np.float32)


def init_params(seed, output_bias, filters=(32, 64, 128), k=3):
    rng = np.random.default_rng(seed)
    params = []
    c_in = FEATURES
    for f in filters:
        params.append(he_uniform(rng, (k, c_in, f), k * c_in))
        params.append(np.zeros(f, dtype=np.float32))
        c_in = f
    params.append(he_uniform(rng, (WINDOW * c_in, HIDDEN), WINDOW * c_in))
    params.append(np.zeros(HIDDEN, dtype=np.float32))
    params.append(he_uniform(rng, (HIDDEN, K), HIDDEN, 0.5))
    params.append(np.asarray(output_bias, dtype=np.float32))
    return params


def warm_start(params, flat):
    """`params` with every weight but the output biases taken from the earlier weights `flat` (weights.f32 layout).

    The earlier network may have a narrower hidden dense layer (pattern-cnn up to 1.7.0's stage 14 had 128 units): it is
    widened Net2Net-style, the new units keeping their fresh incoming weights (halved) and getting zero outgoing weights,
    so the widened network computes exactly what the earlier one did and training grows the new units from there.
    """
    conv = sum(p.size for p in params[:6])
    flat_in = params[6].shape[0]  # flattened convolution output, WINDOW x last filters
    hidden, rest = divmod(flat.size - conv - K, flat_in + 1 + K)
    if rest != 0 or not 0 < hidden <= HIDDEN:
        raise SystemExit(f"{flat.size} weights fit no network of this shape with at most {HIDDEN} hidden units")
    shapes = [p.shape for p in params[:6]] + [(flat_in, hidden), (hidden,), (hidden, K)]
    out = [p.copy() for p in params]
    offset = 0
    for i, shape in enumerate(shapes):
        n = int(np.prod(shape))
        earlier = flat[offset : offset + n].reshape(shape)
        offset += n
        if i < 6:
            out[i] = earlier.copy()
        elif i == 6:
            out[6][:, hidden:] *= 0.5
            out[6][:, :hidden] = earlier
        elif i == 7:
            out[7][:hidden] = earlier
        else:
            out[8][:hidden] = earlier
            out[8][hidden:] = 0
    return out, hidden


def im2col(h):
    """[B, T, C] -> [B*T, 3C] with taps t-1, t, t+1 (zero padded), matching kernel[k, in, out].reshape(3C, out)."""
    b, t, c = h.shape
    p = np.zeros((b, t + 2, c), dtype=np.float32)
    p[:, 1 : t + 1] = h
    return np.concatenate([p[:, 0:t], p[:, 1 : t + 1], p[:, 2 : t + 2]], axis=2).reshape(b * t, 3 * c)


def col2im_grad(dcols, b, t, c):
    """Gradient of im2col: [B*T, 3C] -> [B, T, C]."""
    d = dcols.reshape(b, t, 3 * c)
    dp = np.zeros((b, t + 2, c), dtype=np.float32)
    dp[:, 0:t] += d[:, :, 0:c]
    dp[:, 1 : t + 1] += d[:, :, c : 2 * c]
    dp[:, 2 : t + 2] += d[:, :, 2 * c : 3 * c]
    return dp[:, 1 : t + 1]


def forward(params, x):
    """Logits [B, 15] and the cache backward() needs."""
    b, t, _ = x.shape
    h = x
    cache = []
    for i in range(3):
        kernel, bias = params[2 * i], params[2 * i + 1]
        cols = im2col(h)
        z = cols @ kernel.reshape(-1, kernel.shape[2]) + bias
        a = np.maximum(z, 0)
        cache.append((cols, z, h.shape[2]))
        h = a.reshape(b, t, -1)
    flat = h.reshape(b, -1)
    zh = flat @ params[6] + params[7]
    hidden = np.maximum(zh, 0)
    logits = hidden @ params[8] + params[9]
    return logits, (cache, flat, zh, hidden)


def bce(logits, y):
    """Element-wise sigmoid cross-entropy from logits."""
    return np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))


def loss_and_grads(params, x, y, weights=None):
    """Mean sigmoid cross-entropy over B x 15 (each output's column times `weights`, default 1) and its gradients
    (same order as params)."""
    b, t, _ = x.shape
    logits, (cache, flat, zh, hidden) = forward(params, x)
    w = np.ones(K, dtype=np.float32) if weights is None else weights
    loss = np.mean(bce(logits, y) * w)
    dlogits = (0.5 * (1.0 + np.tanh(0.5 * logits)) - y).astype(np.float32) * w / np.float32(logits.size)
    grads = [None] * 10
    grads[8] = hidden.T @ dlogits
    grads[9] = dlogits.sum(0)
    dzh = (dlogits @ params[8].T) * (zh > 0)
    grads[6] = flat.T @ dzh
    grads[7] = dzh.sum(0)
    dh = (dzh @ params[6].T).reshape(b, t, -1)
    for i in (2, 1, 0):
        cols, z, c_in = cache[i]
        kernel = params[2 * i]
        dz = dh.reshape(b * t, -1) * (z > 0)
        grads[2 * i] = (cols.T @ dz).reshape(kernel.shape)
        grads[2 * i + 1] = dz.sum(0)
        if i > 0:
            dh = col2im_grad(dz @ kernel.reshape(-1, kernel.shape[2]).T, b, t, c_in)
    return float(loss), grads


class Adam:
    def __init__(self, params, beta1=0.9, beta2=0.999, eps=1e-7):
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.b1, self.b2, self.eps, self.t = beta1, beta2, eps, 0

    def step(self, params, grads, lr):
        self.t += 1
        c1 = 1 - self.b1**self.t
        c2 = 1 - self.b2**self.t
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            p -= (lr * (m / c1) / (np.sqrt(v / c2) + self.eps)).astype(np.float32)


def learning_rate(step, steps, peak, final, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, steps - warmup)
    return final + 0.5 * (peak - final) * (1 + np.cos(np.pi * t))


def main():
    data_dir, out_dir, config_path = sys.argv[1:4]
    with open(config_path) as f:
        cfg = json.load(f)
    cols = np.fromfile(os.path.join(data_dir, "cols.f64"), dtype=np.float64).reshape(-1, FEATURES)
    labels = np.fromfile(os.path.join(data_dir, "labels.u8"), dtype=np.uint8).reshape(-1, K)
    train_ends = np.fromfile(os.path.join(data_dir, "train.i64"), dtype=np.int64)
    train_y = labels[train_ends].astype(np.float32)
    by_class = [np.flatnonzero(train_y[:, j]) for j in range(K)]
    classes = np.array([j for j in range(K) if len(by_class[j]) > 0])
    flat_pos = np.concatenate([by_class[j] for j in classes])
    counts = np.array([len(by_class[j]) for j in classes])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])

    rate = np.clip(train_y.mean(0), 1e-6, 1 - 1e-6)
    params = init_params(cfg["seed"], np.log(rate / (1 - rate)))
    if cfg.get("initWeights"):
        # Fine-tuning: start from earlier weights (same layout as weights.f32), keeping the fresh output biases
        # (the earlier ones had their sampling prior removed, see train.ts).
        params, hidden = warm_start(params, np.fromfile(cfg["initWeights"], dtype=np.float32))
        print(f"warm start from {cfg['initWeights']} ({hidden} hidden units, {HIDDEN} now)", flush=True)
    opt = Adam(params)
    rng = np.random.default_rng(cfg.get("drawSeed", cfg["seed"]) ^ 0x9E3779B9)
    B, steps = cfg["batchSize"], cfg["steps"]
    hard_n = int(round(B * cfg["hardMining"]["fraction"]))
    # Rows [perturbed_from, len(train_ends)) are the perturbed copies of rare-pattern windows (augment.ts): mostly
    # near misses just outside a rare pattern, which uniform draws would almost never show the network.
    perturbed_from = int(cfg["perturbedFrom"])
    near_n = int(round(B * cfg["nearMissFraction"])) if perturbed_from < len(train_ends) else 0
    hard_candidates = cfg["hardMining"]["candidates"]
    # Per-pattern emphasis (config patternWeights, absent = none): an output's loss column is multiplied by its weight
    # (positives and negatives alike, so its calibration optimum stays put) and its class is drawn that many times
    # as often in the class-balanced draws.
    weights = np.asarray(cfg["lossWeights"], dtype=np.float32) if cfg.get("lossWeights") else None
    class_p = None if weights is None else weights[classes] / weights[classes].sum()
    lr_cfg = cfg["learningRate"]
    drawn = np.zeros(K)
    checkpoints = {int(c) for c in os.environ.get("CNN_CHECKPOINTS", "").split(",") if c}
    started = time.time()
    loss_sum = 0.0
    for step in range(steps):
        balanced = rng.random(B) < cfg["balancedFraction"]
        c = rng.integers(0, len(classes), B) if class_p is None else rng.choice(len(classes), B, p=class_p)
        pick = flat_pos[offsets[c] + (rng.random(B) * counts[c]).astype(np.int64)]
        uniform = rng.integers(0, len(train_ends), B)
        rows = np.where(balanced, pick, uniform)
        if near_n > 0:
            near_at = B - hard_n - near_n
            rows[near_at : near_at + near_n] = rng.integers(perturbed_from, len(train_ends), near_n)
        if hard_n > 0:
            # Hard-example mining: the last hard_n rows are the highest-loss of hard_n * candidates uniform windows.
            cand = rng.integers(0, len(train_ends), hard_n * hard_candidates)
            cand_logits, _ = forward(params, windows(cols, train_ends[cand]))
            cand_loss = (bce(cand_logits, train_y[cand]) * (1.0 if weights is None else weights)).sum(1)
            rows[B - hard_n :] = cand[np.argsort(-cand_loss, kind="stable")[:hard_n]]
        x = windows(cols, train_ends[rows])
        y = train_y[rows]
        drawn += y.sum(0)
        loss, grads = loss_and_grads(params, x, y, weights)
        lr = learning_rate(step, steps, lr_cfg["peak"], lr_cfg["final"], lr_cfg["warmupSteps"])
        opt.step(params, grads, lr)
        loss_sum += loss
        if step + 1 in checkpoints:
            # Experiments only (CNN_CHECKPOINTS="4000,8000"): the weights so far, with what was drawn so far.
            os.makedirs(out_dir, exist_ok=True)
            np.concatenate([p.astype(np.float32).ravel() for p in params]).tofile(os.path.join(out_dir, f"ckpt-{step + 1}.f32"))
            with open(os.path.join(out_dir, f"ckpt-{step + 1}.json"), "w") as f:
                json.dump({"drawn": drawn.tolist(), "total": (step + 1) * B}, f)
        if (step + 1) % 500 == 0 or step + 1 == steps:
            rate_s = (step + 1) * B / (time.time() - started)
            mean_loss = loss_sum / (step % 500 + 1)
            print(f"step {step + 1}/{steps} loss {mean_loss:.5f} lr {lr:.2e} {rate_s:.0f} windows/s", flush=True)
            loss_sum = 0.0
    os.makedirs(out_dir, exist_ok=True)
    np.concatenate([p.astype(np.float32).ravel() for p in params]).tofile(os.path.join(out_dir, "weights.f32"))
    with open(os.path.join(out_dir, "result.json"), "w") as f:
        json.dump({"drawn": drawn.tolist(), "total": steps * B, "seconds": time.time() - started}, f)


if __name__ == "__main__":
    main()
