"""Offline what-ifs on a saved decision-benchmark run (`study:decisions --json run.json`).

Re-decides every world from its saved per-initiative pilots (valued estimate, SE, cost, design) with
alternative priors (including the default full-Bayes average over tau, the population prior and the
design-laws bound), funds the exact knapsack of posterior net returns, and scores the true net return like
the benchmark (Σ net ÷ Σ oracle, and the paired difference from the naive rule ± SE). Used to check which
prior changes could close the gap to the known-prior ceiling before changing the TypeScript defaults.

The "design laws by diagnostic" rows ask whether a pilot's own diagnostics (matching's balance after
matching, IPW's largest control weight share, synthetic control's pre-period fit, DiD's pre-trend test)
carry information beyond its design: the design-laws bound, with each design's laws learned separately
for the terciles of its diagnostic (from the other worlds). They need a run saved with the pilots'
diagnostics (`initiativeDetails[].diagnostics`, recorded since the diagnostics were added to the JSON).

Run: /usr/bin/python3 packages/loop/scripts/offline-priors.py run.json   (standard library only)
"""
import json
import math
import statistics as st
import sys


def knapsack(items, budget):
    """Exact 0/1 knapsack by enumeration (worlds have at most 10 initiatives): ids of the best subset."""
    best, chosen = 0.0, []
    n = len(items)
    for mask in range(1 << n):
        cost = value = 0.0
        for i in range(n):
            if mask >> i & 1:
                cost += items[i][1]
                value += items[i][2]
        if cost <= budget + 1e-9 and value > best:
            best, chosen = value, [items[i][0] for i in range(n) if mask >> i & 1]
    return chosen


def penalised_reml(estimates, ses, shape):
    """Grid-search REML for N(mu, tau²) with the Gamma(shape, 0) penalty (shape - 1)·log tau."""
    best = None
    spread = st.pstdev(estimates) + math.sqrt(st.mean([s * s for s in ses]))
    for k in range(1, 801):
        tau = spread * 10 * k / 800
        w = [1 / (tau * tau + s * s) for s in ses]
        mu = sum(a * b for a, b in zip(w, estimates)) / sum(w)
        ll = -0.5 * sum(math.log(1 / a) + a * (e - mu) ** 2 for a, e in zip(w, estimates))
        ll += -0.5 * math.log(sum(w)) + (shape - 1) * math.log(tau)
        if best is None or ll > best[0]:
            best = (ll, mu, tau)
    return best[1], best[2]


def shrink(world, mu, tau):
    items = []
    for i in world["initiativeDetails"]:
        w = tau * tau / (tau * tau + i["estimatedReturnSe"] ** 2)
        items.append((i["id"], i["cost"], mu + w * (i["estimatedReturn"] - mu) - i["cost"]))
    return knapsack(items, world["budget"])


def naive(world, above_cost=False):
    order = sorted(
        (i for i in world["initiativeDetails"] if i["estimatedReturn"] > (i["cost"] if above_cost else 0)),
        key=lambda i: -i["estimatedReturn"] / i["cost"],
    )
    left, chosen = world["budget"], []
    for i in order:
        if i["cost"] <= left:
            chosen.append(i["id"])
            left -= i["cost"]
    return chosen


def reml_policy(shape, exclude=()):
    def choose(world):
        kept = [i for i in world["initiativeDetails"] if i["design"] not in exclude] or world["initiativeDetails"]
        mu, tau = penalised_reml([i["estimatedReturn"] for i in kept], [i["estimatedReturnSe"] for i in kept], shape)
        return shrink(world, mu, tau)

    return choose


def integrated(shape, exclude=()):
    """Full Bayes over tau (the loop's default tau_fit: integrate): mu flat, p(tau) ∝ tau^(shape-1), grid in log tau².
    Designs in `exclude` are left out of the fit of (mu, tau) but shrunk like the rest."""

    def choose(world):
        ds = world["initiativeDetails"]
        fit = [i for i in ds if i["design"] not in exclude]
        fit = fit if len(fit) >= 2 else ds
        est = [i["estimatedReturn"] for i in fit]
        ses = [i["estimatedReturnSe"] for i in fit]
        scale = st.variance(est) + st.mean([s * s for s in ses])
        logs, means = [], []
        for k in range(553):
            tau2 = scale * 1e-8 * (1e12 ** (k / 552))
            w = [1 / (tau2 + s * s) for s in ses]
            mu = sum(a * b for a, b in zip(w, est)) / sum(w)
            ll = -0.5 * sum(math.log(1 / a) + a * (e - mu) ** 2 for a, e in zip(w, est)) - 0.5 * math.log(sum(w))
            logs.append(ll + shape / 2 * math.log(tau2))
            means.append(
                [mu + tau2 / (tau2 + i["estimatedReturnSe"] ** 2) * (i["estimatedReturn"] - mu) for i in ds]
            )
        top = max(logs)
        p = [math.exp(v - top) for v in logs]
        total = sum(p)
        theta = [sum(p[k] * means[k][j] for k in range(553)) / total for j in range(len(ds))]
        return knapsack([(i["id"], i["cost"], t - i["cost"]) for i, t in zip(ds, theta)], world["budget"])

    return choose


def known_prior(world):
    truth = [i["trueReturn"] for i in world["initiativeDetails"]]
    return shrink(world, st.mean(truth), st.pstdev(truth))


POLICIES = {
    "naive (estimate > 0)": naive,
    "naive_net (estimate > cost)": lambda w: naive(w, True),
    "no shrinkage, knapsack": lambda w: shrink(w, 0.0, 1e12),
    "penalised REML, shape 2 (tau_fit: mode)": reml_policy(2),
    "penalised REML, shape 3": reml_policy(3),
    "penalised REML, shape 4": reml_policy(4),
    "shape 2, IPW left out of the prior fit": reml_policy(2, ("ipw",)),
    "shape 2, matching and IPW left out": reml_policy(2, ("ipw", "matching")),
    "integrated over tau, shape 2 (the default)": integrated(2),
    "integrated, IPW left out of the fit of mu and tau": integrated(2, ("ipw",)),
    "integrated, matching and IPW left out of the fit": integrated(2, ("ipw", "matching")),
    "known realised mean and SD (beyond any prior)": known_prior,
}


# The diagnostic each design's laws are split by in the "design laws by diagnostic" rows.
DIAGNOSTIC = {
    "matching": "max_abs_smd_after",
    "ipw": "max_weight_share_control",
    "synthetic_control": "pre_rmspe",
    "difference_in_differences": "pretrend_p_value",
}


def diagnostic_of(initiative):
    name = DIAGNOSTIC.get(initiative["design"])
    value = initiative.get("diagnostics", {}).get(name) if name else None
    return value if isinstance(value, (int, float)) else None


def error_law(same):
    """A design's median error and the factor that makes its SEs honest (MAD of error ÷ SE, as a SD)."""
    errors = [o["estimatedReturn"] - o["trueReturn"] for o in same]
    bias = st.median(errors) if errors else 0.0
    scaled = [abs(e - bias) / o["estimatedReturnSe"] for e, o in zip(errors, same) if o["estimatedReturnSe"] > 0]
    return bias, (st.median(scaled) / 0.6744897501960817 if scaled else 1.0)


def tercile(value, values):
    cuts = [values[len(values) // 3], values[2 * len(values) // 3]]
    return sum(value > cut for cut in cuts)


LEAVE_ONE_OUT = {
    "population prior (other worlds' truth)",
    "population prior + design laws (other worlds' truth)",
}


def main(path):
    worlds = [w for w in json.load(open(path)) if w["oracleNetReturn"] > 0]
    oracle_mean = st.mean(w["oracleNetReturn"] for w in worlds)

    def net(world, chosen):
        detail = {i["id"]: i for i in world["initiativeDetails"]}
        return sum(detail[c]["trueReturn"] - detail[c]["cost"] for c in chosen)

    policies = dict(POLICIES)
    # The Bayes rule with the population prior: mean and SD of every other world's true returns.
    truth = [(k, i["trueReturn"]) for k, w in enumerate(worlds) for i in w["initiativeDetails"]]

    def population(world, index=None):
        others = [t for k, t in truth if k != index]
        return shrink(world, st.mean(others), st.stdev(others))

    def design_laws(split=()):
        """The TypeScript `design_laws` reference: population prior + each design's median error and MAD SE
        scale; designs in `split` learn their laws per tercile of their diagnostic."""

        def choose(world, index):
            others = [i for k, w in enumerate(worlds) if k != index for i in w["initiativeDetails"]]
            truths = [i["trueReturn"] for i in others]
            mu, tau = st.mean(truths), st.stdev(truths)
            items = []
            for i in world["initiativeDetails"]:
                same = [o for o in others if o["design"] == i["design"]]
                value = diagnostic_of(i)
                if i["design"] in split and value is not None:
                    values = sorted(v for v in map(diagnostic_of, same) if v is not None)
                    band = tercile(value, values)
                    same = [o for o in same if diagnostic_of(o) is not None and tercile(diagnostic_of(o), values) == band]
                bias, scale = error_law(same)
                s2 = (scale * i["estimatedReturnSe"]) ** 2
                weight = tau * tau / (tau * tau + s2) if tau * tau + s2 > 0 else 1.0
                items.append((i["id"], i["cost"], mu + weight * (i["estimatedReturn"] - bias - mu) - i["cost"]))
            return knapsack(items, world["budget"])

        return choose

    policies["population prior (other worlds' truth)"] = population
    policies["population prior + design laws (other worlds' truth)"] = design_laws()
    if any("diagnostics" in i for w in worlds for i in w["initiativeDetails"]):
        for splits in [(design,) for design in DIAGNOSTIC] + [tuple(DIAGNOSTIC)]:
            name = f"design laws by diagnostic tercile: {', '.join(splits) if len(splits) == 1 else 'all four'}"
            LEAVE_ONE_OUT.add(name)
            policies[name] = design_laws(splits)
    nets = {
        name: [net(w, choose(w, k) if name in LEAVE_ONE_OUT else choose(w)) for k, w in enumerate(worlds)]
        for name, choose in policies.items()
    }
    reference = nets["naive (estimate > 0)"]
    print(f"{len(worlds)} worlds from {path}")
    print("| policy | Σ net ÷ Σ oracle | vs naive (paired ± SE) |\n|---|---:|---:|")
    for name, values in nets.items():
        d = [(a - b) / oracle_mean for a, b in zip(values, reference)]
        se = st.stdev(d) / math.sqrt(len(d))
        print(f"| {name} | {sum(values) / (oracle_mean * len(worlds)):.3f} | {st.mean(d):+.3f} ± {se:.3f} |")


if __name__ == "__main__":
    main(sys.argv[1])
