/**
 * Small documented data-generating processes for the synthetic-control and interrupted-time-series validations
 * (the simulator's product panels are not in these models' designs: SC needs exchangeable single units, ITS a
 * series whose counterfactual is a linear trend).
 */

/** Deterministic uniform/normal generator (xorshift32 + Box–Muller). */
export function createNormal(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
