const moneyFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const signedMoneyFormat = new Intl.NumberFormat('en-US', {
  maximumFractionDigits: 0,
  signDisplay: 'exceptZero',
});
const percentFormat = new Intl.NumberFormat('en-US', {
  style: 'percent',
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});

/** `12,345` (no decimals; `-0` shown as `0`). Locale-independent so reports are byte-identical everywhere. */
export function formatMoney(value: number): string {
  return moneyFormat.format(value + 0);
}

/** `+1,234` / `-1,234` / `0`. */
export function formatSignedMoney(value: number): string {
  return signedMoneyFormat.format(Math.round(value) + 0);
}

/** `+12.5%`. */
export function formatPercent(value: number): string {
  return percentFormat.format(value);
}

/** An effect with four significant digits, e.g. `0.1234`, `12.35`, `-3.210`. */
export function formatEffect(value: number): string {
  if (value === 0) return '0';
  return Number(value.toPrecision(4)).toString();
}

/** `[a, b]` with {@link formatMoney}. */
export function formatMoneyInterval(lower: number, upper: number): string {
  return `[${formatMoney(lower)}, ${formatMoney(upper)}]`;
}

/** A review confidence in [0, 1] as a whole percent (`87%`); `1.00` would claim a precision it does not have. */
export function formatConfidence(value: number): string {
  return `${Math.round(value * 100)}%`;
}

const SAMPLE_UNITS: Record<string, string> = {
  experiment: 'units',
  difference_in_differences: 'unit-periods',
  synthetic_control: 'unit-periods',
  interrupted_time_series: 'periods',
  nearest_neighbour_matching: 'matched units',
  subclassification: 'rows in retained strata',
  ipw: 'rows',
  regression_adjustment: 'rows',
};

/** What a method's `sample_size` counts (built-in methods; `observations` for others). */
export function sampleUnit(method: string | undefined): string {
  return (method === undefined ? undefined : SAMPLE_UNITS[method]) ?? 'observations';
}
