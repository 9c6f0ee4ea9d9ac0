"""Reference side of csv-load.bench.ts: pandas read_csv + statsmodels OLS HC1 on the same CSV.

Run with Debian's python3 (python3-pandas, python3-statsmodels): /usr/bin/python3 csv_load_pandas.py FILE
Prints one JSON line: wall time of read + fit, peak RSS, the treated coefficient and its HC1 SE.
"""
import json
import resource
import sys
import time

start = time.perf_counter()
import pandas as pd  # noqa: E402  (import time counts, as for the Node side)
import statsmodels.api as sm  # noqa: E402

startup_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # interpreter + pandas + statsmodels

frame = pd.read_csv(sys.argv[1])
design = sm.add_constant(frame[["treated", "x1", "x2", "x3", "x4", "x5"]])
fit = sm.OLS(frame["y"], design).fit(cov_type="HC1")
seconds = time.perf_counter() - start
max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the (untimed) check below

# Independent check of the coefficient (not timed): normal equations accumulated over 500k-row blocks and
# solved as a 7x7 system, so no single large BLAS/LAPACK call is involved.
import numpy as np  # noqa: E402

values = design.to_numpy(dtype=float)
target = frame["y"].to_numpy(dtype=float)
gram = np.zeros((values.shape[1], values.shape[1]))
moment = np.zeros(values.shape[1])
for first in range(0, len(target), 500_000):
    block = values[first : first + 500_000]
    gram += block.T @ block
    moment += block.T @ target[first : first + 500_000]
reference = np.linalg.solve(gram, moment)
print(
    json.dumps(
        {
            "seconds": seconds,
            "max_rss_mb": max_rss_mb,
            "startup_rss_mb": startup_rss_mb,
            "estimate": float(fit.params["treated"]),
            "standard_error": float(fit.bse["treated"]),
            "n": int(fit.nobs),
            "reference_estimate": float(reference[list(design.columns).index("treated")]),
        }
    )
)
