"""Panel peers of `pnpm bench:peers` (called through bench-peers.py): what an analyst would run instead.

did: two-way fixed effects on an unbalanced panel by alternating projections in numpy (the lfe / pyfixest
     method: subtract unit means, then period means, until a sweep changes nothing), then OLS on the demeaned
     columns with statsmodels' cluster-robust covariance by unit, rescaled so K counts the absorbed effects
     (as OLS with dummies: G/(G-1)(N-1)/(N-K)). With `event`, the 8 event-study indicators (4 leads, 4 lags,
     ends binned, k = -1 omitted) are demeaned in the same sweeps.
sc:  synthetic control by scipy SLSQP (simplex weights minimising the pre-period squared gap, analytic
     gradient, scipy's default tolerances) for the treated unit and each donor as an in-space placebo against the other donors.

Each prints one JSON line with the time of the work only (not imports or loading).
"""
import json
import time


def _load(folder, name, dtype="<f8"):
    import numpy as np

    return np.fromfile(f"{folder}/{name}", dtype=dtype)


def _event_columns(treated, t_codes, first_post, periods, leads=4, lags=4):
    """Indicator columns treated x 1[k in bin]: leads k <= -(leads+1) (binned) ... -2, lags 0 ... lags-1 (binned)."""
    import numpy as np

    k = t_codes - first_post
    n_pre, n_post = first_post, periods - first_post
    leads = min(leads, n_pre - 1)
    lags = min(lags, n_post)
    columns = []
    for lead in range(leads + 1, 1, -1):
        hit = (k <= -lead) if lead == leads + 1 else (k == -lead)
        columns.append(treated * hit)
    for lag in range(lags):
        hit = (k >= lag) if lag == lags - 1 else (k == lag)
        columns.append(treated * hit)
    return np.column_stack(columns).astype(float)


def did(folder, event, tolerance=1e-11, max_sweeps=10_000):
    import numpy as np
    import statsmodels.api as sm

    unit, period = _load(folder, "unit.f64"), _load(folder, "time.f64")
    treated, post, y = _load(folder, "treated.f64"), _load(folder, "post.f64"), _load(folder, "y.f64")
    started = time.perf_counter()
    _, u_codes = np.unique(unit, return_inverse=True)
    levels, t_codes = np.unique(period, return_inverse=True)
    n_units, n_periods = u_codes.max() + 1, len(levels)
    encoded = time.perf_counter()
    first_post = int(t_codes[post == 1].min())
    parts = [y, treated * post]
    if event:
        parts.append(_event_columns(treated, t_codes, first_post, n_periods))
    z = np.column_stack(parts)
    u_size = np.bincount(u_codes, minlength=n_units)[:, None]
    t_size = np.bincount(t_codes, minlength=n_periods)[:, None]
    threshold = tolerance * (1 + np.abs(z).max(axis=0))
    sweeps = 0
    for sweeps in range(1, max_sweeps + 1):
        u_means = np.stack([np.bincount(u_codes, z[:, j], n_units) for j in range(z.shape[1])], 1) / u_size
        z -= u_means[u_codes]
        t_means = np.stack([np.bincount(t_codes, z[:, j], n_periods) for j in range(z.shape[1])], 1) / t_size
        z -= t_means[t_codes]
        if np.all(np.maximum(np.abs(u_means).max(axis=0), np.abs(t_means).max(axis=0)) <= threshold):
            break
    fits = []
    # Headline: y on D; event study: y on the indicators (separate regressions, as the model reports them).
    designs = [z[:, 1:2]] + ([z[:, 2:]] if event else [])
    n = len(y)
    for x in designs:
        fit = sm.OLS(z[:, 0], x).fit(cov_type="cluster", cov_kwds={"groups": u_codes})
        k = x.shape[1] + n_units + n_periods - 1
        scale = np.sqrt((n - x.shape[1]) / (n - k))
        fits.append((fit.params.tolist(), (fit.bse * scale).tolist()))
    elapsed = (time.perf_counter() - started) * 1000
    result = {"ms": elapsed, "encode_ms": (encoded - started) * 1000, "estimate": fits[0][0][0], "se": fits[0][1][0], "sweeps": sweeps}
    if event:
        result["event_estimates"], result["event_se"] = fits[1]
    print(json.dumps(result))


def _simplex_fit(target, donors):
    import numpy as np
    from scipy.optimize import minimize

    j = donors.shape[1]

    def objective(w):
        gap = target - donors @ w
        return gap @ gap

    def gradient(w):
        return -2 * donors.T @ (target - donors @ w)

    result = minimize(
        objective,
        np.full(j, 1 / j),
        jac=gradient,
        method="SLSQP",
        bounds=[(0, 1)] * j,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1, "jac": lambda w: np.ones(j)}],
    )
    return result.x


def sc(folder):
    import numpy as np

    with open(f"{folder}/sc.json") as handle:
        shape = json.load(handle)
    periods, units, first_post = shape["periods"], shape["units"], shape["first_post"]
    wide = _load(folder, "sc.f64").reshape(units, periods)  # row u = unit u's series; unit 0 treated
    started = time.perf_counter()

    def fit(target_index, pool):
        series = wide[target_index]
        donors = wide[pool].T
        weights = _simplex_fit(series[:first_post], donors[:first_post])
        gaps = series - donors @ weights
        pre = np.sqrt(np.mean(gaps[:first_post] ** 2))
        post = np.sqrt(np.mean(gaps[first_post:] ** 2))
        return gaps[first_post:].mean(), post / pre

    effect, ratio = fit(0, list(range(1, units)))
    placebo_ratios = [fit(a, [b for b in range(1, units) if b != a])[1] for a in range(1, units)]
    p_value = (1 + sum(r >= ratio for r in placebo_ratios)) / units
    elapsed = (time.perf_counter() - started) * 1000
    print(json.dumps({"ms": elapsed, "effect": float(effect), "p_value": p_value}))
