"""Peer side of `pnpm bench:peers` (scripts/bench-peers.ts): what an analyst would run instead.

Each call loads the data the TypeScript driver wrote, times only the work (not imports or loading), and
prints one JSON line. Debian packages: python3-numpy, python3-statsmodels, python3-pulp + coinor-cbc.

    python3 bench-peers.py check ols|milp
    python3 bench-peers.py ols  <dir>          # statsmodels OLS, HC1
    python3 bench-peers.py milp <instance.json> # PuLP + CBC: three V*_s knapsacks, then the regret MILP
    python3 bench-peers.py did  <dir> [event]  # numpy alternating projections + statsmodels cluster SE
    python3 bench-peers.py sc   <dir>          # scipy SLSQP synthetic control + in-space placebos
(did and sc live in bench_peers_panel.py.)
"""
import json
import sys
import time


def check(task):
    if task == "ols":
        import numpy  # noqa: F401
        import statsmodels.api  # noqa: F401
    elif task == "milp":
        import pulp

        if not pulp.COIN_CMD().available() and not pulp.PULP_CBC_CMD().available():
            raise RuntimeError("no CBC binary (apt-get install coinor-cbc)")
    elif task == "did":
        import numpy  # noqa: F401
        import statsmodels.api  # noqa: F401
    elif task == "sc":
        import numpy  # noqa: F401
        import scipy.optimize  # noqa: F401
    else:
        raise RuntimeError(f"unknown task {task}")
    print(json.dumps({"ok": True}))


def ols(folder):
    import numpy as np
    import statsmodels.api as sm

    with open(f"{folder}/shape.json") as handle:
        shape = json.load(handle)
    n, p = shape["n"], shape["p"]
    x = np.fromfile(f"{folder}/X.f64", dtype="<f8").reshape(n, p)
    y = np.fromfile(f"{folder}/y.f64", dtype="<f8")
    started = time.perf_counter()
    fit = sm.OLS(y, x).fit(cov_type="HC1")
    coefficients = fit.params.tolist()
    errors = fit.bse.tolist()
    elapsed = (time.perf_counter() - started) * 1000
    print(json.dumps({"ms": elapsed, "coefficients": coefficients, "standard_errors": errors}))


def cbc():
    import pulp

    solver = pulp.COIN_CMD(msg=False) if pulp.COIN_CMD().available() else pulp.PULP_CBC_CMD(msg=False)
    return solver


def milp(path):
    import pulp

    with open(path) as handle:
        data = json.load(handle)
    costs, budget = data["costs"], data["budget"]
    scenarios = [data["best"], data["med"], data["worst"]]
    n = len(costs)
    solver = cbc()
    started = time.perf_counter()
    optima = []
    for returns in scenarios:
        knapsack = pulp.LpProblem("v_star", pulp.LpMaximize)
        x = [pulp.LpVariable(f"x{i}", cat="Binary") for i in range(n)]
        knapsack += pulp.lpDot(returns, x)
        knapsack += pulp.lpDot(costs, x) <= budget
        knapsack.solve(solver)
        optima.append(pulp.value(knapsack.objective) or 0.0)
    regret = pulp.LpProblem("minimax_regret", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{i}", cat="Binary") for i in range(n)]
    theta = pulp.LpVariable("theta")
    regret += theta
    regret += pulp.lpDot(costs, x) <= budget
    for optimum, returns in zip(optima, scenarios):
        regret += theta + pulp.lpDot(returns, x) >= optimum
    regret.solve(solver)
    elapsed = (time.perf_counter() - started) * 1000
    selection = [v.value() for v in x]
    worst = max(o - sum(r * s for r, s in zip(returns, selection)) for o, returns in zip(optima, scenarios))
    print(json.dumps({"ms": elapsed, "objective": worst, "status": pulp.LpStatus[regret.status]}))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "check":
        check(sys.argv[2])
    elif command == "ols":
        ols(sys.argv[2])
    elif command == "milp":
        milp(sys.argv[2])
    elif command == "did":
        import bench_peers_panel

        bench_peers_panel.did(sys.argv[2], event=len(sys.argv) > 3 and sys.argv[3] == "event")
    elif command == "sc":
        import bench_peers_panel

        bench_peers_panel.sc(sys.argv[2])
    else:
        raise SystemExit(f"unknown command {command}")
