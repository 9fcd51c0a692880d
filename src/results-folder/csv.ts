/** The CSV files hpcbench writes (timeseries.csv, monitor CSVs, benchmarks.csv) read back. */

export interface CsvTable {
  header: string[];
  rows: string[][];
}

/** Minimal CSV parsing for the files hpcbench writes (quoted cells with "" escapes). */
export function parseCsv(text: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        out.push(cur);
        cur = '';
      } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const [head, ...rows] = lines.map(split);
  return { header: head ?? [], rows };
}
