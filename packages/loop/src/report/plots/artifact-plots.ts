import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One diagnostic plot read from a measurement's artifact folder. */
export interface ArtifactPlot {
  /** The plot's name, from its file name `plot-<name>.svg`. */
  name: string;
  svg: string;
}

/**
 * The `plot-*.svg` files of a measurement's artifact folder (as written by `@impact/measure`), sorted by
 * name. `uri` is the measurement's `artifact_uri` (relative to `baseDir`, absolute, or `file://`); anything
 * else (e.g. `memory://`) or a missing folder gives an empty list, so a report never fails on plots.
 *
 * @example
 * ```ts
 * const plots = readArtifactPlots('results', 'artifacts/promo/pilot/promo-0123456789ab');
 * ```
 */
export function readArtifactPlots(baseDir: string, uri: string): ArtifactPlot[] {
  let folder: string;
  if (uri.startsWith('file://')) folder = fileURLToPath(uri);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return [];
  else folder = isAbsolute(uri) ? uri : join(baseDir, uri);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .filter((name) => /^plot-[A-Za-z0-9_-]+\.svg$/.test(name))
    .sort()
    .map((name) => ({
      name: name.slice('plot-'.length, -'.svg'.length),
      svg: readFileSync(join(folder, name), 'utf8'),
    }));
}

/**
 * An SVG document made safe to inline several times in one HTML page: the root element's `id` is replaced
 * by `id` (ids must be unique in a page) and the XML prolog, if any, is dropped.
 *
 * @example
 * ```ts
 * inlineSvg(plot.svg, 'plot-promo-pilot-event-study');
 * ```
 */
export function inlineSvg(svg: string, id: string): string {
  const body = svg.replace(/^<\?xml[^>]*>\s*/, '').trim();
  // Only our own static drawings: anything scriptable is left out rather than inlined.
  if (!body.startsWith('<svg') || /<script|<foreignObject|\son[a-z]+\s*=|javascript:/i.test(body)) return '';
  const safeId = id.replace(/[^A-Za-z0-9_-]/g, '-');
  return /^<svg[^>]*\sid="[^"]*"/.test(body)
    ? body.replace(/^(<svg[^>]*\s)id="[^"]*"/, `$1id="${safeId}"`)
    : body.replace(/^<svg/, `<svg id="${safeId}"`);
}
