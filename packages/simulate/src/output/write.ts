import { join } from 'node:path';
import { stableStringify, type Table, writeFileAtomic } from '@impact/contracts';
import type { SimulationConfig, SimulationConfigInput } from '../config/schema';
import { type SimulationResult, simulateByDay } from '../engine/simulate';
import { type GroundTruth, GroundTruthSchema } from '../ground-truth/schema';
import { encodeTable, formatCsvHeader, formatCsvRows, formatJsonLinesRows, type TableFormat } from './format';

/**
 * Write a table to a file as CSV or JSON Lines, atomically (a temporary file renamed over the target;
 * readers never see a partial file). The format defaults from the extension (`.jsonl` → JSON Lines).
 *
 * @example
 * ```ts
 * writeTable('out/metrics.csv', result.metrics);
 * ```
 */
export function writeTable(file: string, table: Table, format: TableFormat = formatOf(file)): void {
  writeFileAtomic(file, Buffer.concat(encodeTable(table, format)));
}

/**
 * Write a ground-truth document as stable JSON (sorted keys, 2-space indent), after validating it.
 *
 * @example
 * ```ts
 * writeGroundTruth('out/ground_truth.json', result.groundTruth);
 * ```
 */
export function writeGroundTruth(file: string, groundTruth: GroundTruth): void {
  writeFileAtomic(file, `${stableStringify(GroundTruthSchema.parse(groundTruth), 2)}\n`);
}

/** Files written by {@link writeSimulation} and {@link writeSimulationByDay}. */
export interface SimulationFiles {
  products: string;
  metrics: string;
  groundTruth: string;
  config: string;
}

function formatOf(file: string): TableFormat {
  return file.endsWith('.jsonl') || file.endsWith('.ndjson') ? 'jsonl' : 'csv';
}

function filesIn(directory: string, format: TableFormat): SimulationFiles {
  return {
    products: join(directory, `products.${format}`),
    metrics: join(directory, `metrics.${format}`),
    groundTruth: join(directory, 'ground_truth.json'),
    config: join(directory, 'config.json'),
  };
}

/**
 * Write a simulation's products, metrics, ground truth and resolved configuration into a folder:
 * `products.<csv|jsonl>`, `metrics.<csv|jsonl>`, `ground_truth.json`, `config.json`. Each file is
 * written atomically.
 *
 * @example
 * ```ts
 * writeSimulation('out/run-1', simulate(config), { format: 'jsonl' });
 * ```
 */
export function writeSimulation(
  directory: string,
  result: SimulationResult,
  options: { format?: TableFormat } = {},
): SimulationFiles {
  const files = filesIn(directory, options.format ?? 'csv');
  const format = options.format ?? 'csv';
  writeTable(files.products, result.products, format);
  writeTable(files.metrics, result.metrics, format);
  writeGroundTruth(files.groundTruth, result.groundTruth);
  writeFileAtomic(files.config, `${stableStringify(result.config, 2)}\n`);
  return files;
}

/**
 * Simulate and write to a folder day by day, without ever holding the whole metrics table: each day is
 * generated, encoded and dropped. The files are byte-identical to {@link writeSimulation}'s for the same
 * configuration. The encoded metrics file is kept in memory until it is written atomically at the end.
 *
 * @example
 * ```ts
 * writeSimulationByDay('out/big', { products: 10_000, start_date: '2024-01-01', end_date: '2024-12-31' });
 * ```
 */
export function writeSimulationByDay(
  directory: string,
  config: SimulationConfigInput | SimulationConfig,
  options: { format?: TableFormat } = {},
): SimulationFiles {
  const format = options.format ?? 'csv';
  const files = filesIn(directory, format);
  const stream = simulateByDay(config);
  const chunks: Buffer[] = [];
  let first = true;
  for (const { metrics } of stream.days()) {
    if (format === 'csv' && first) chunks.push(Buffer.from(formatCsvHeader(metrics)));
    first = false;
    const text =
      format === 'csv'
        ? formatCsvRows(metrics, 0, metrics.rowCount)
        : formatJsonLinesRows(metrics, 0, metrics.rowCount);
    chunks.push(Buffer.from(text));
  }
  writeTable(files.products, stream.products, format);
  writeFileAtomic(files.metrics, Buffer.concat(chunks));
  writeGroundTruth(files.groundTruth, stream.groundTruth());
  writeFileAtomic(files.config, `${stableStringify(stream.config, 2)}\n`);
  return files;
}
