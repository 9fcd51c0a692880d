/** The CSV files hpcbench writes (timeseries.csv, monitor CSVs, benchmarks.csv) read back. */
import { splitCsvLine } from '../util/csv-line.js';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

/** Minimal CSV parsing for the files hpcbench writes (quoted cells with "" escapes). */
export function parseCsv(text: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const [head, ...rows] = lines.map(splitCsvLine);
  return { header: head ?? [], rows };
}
