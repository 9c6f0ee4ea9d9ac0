// jStat ships no type declarations; this package implements its distributions itself (see
// stats/distributions.ts) and only declares the module so that optional cross-checks can import it.
declare module 'jstat' {
  export const jStat: {
    studentt: { cdf(x: number, df: number): number; inv(p: number, df: number): number };
    normal: {
      cdf(x: number, mean: number, sd: number): number;
      inv(p: number, mean: number, sd: number): number;
    };
  };
}
