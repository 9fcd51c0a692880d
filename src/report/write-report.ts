/** Writes `report.html` into a results folder from the folder's own files (see html-report.ts). */
import { join } from 'node:path';
import { readRun } from '../results-folder/read-run.js';
import { reportAssets } from './html-assets.js';
import { renderReportHtml } from './html-report.js';
import { writeFileAtomic } from './json-file.js';

export const REPORT_FILE = 'report.html';

/** Reads `dir`, writes `dir/report.html` and returns its path. */
export async function writeHtmlReport(dir: string): Promise<string> {
  const html = renderReportHtml(await readRun(dir, { series: true }), reportAssets());
  const path = join(dir, REPORT_FILE);
  await writeFileAtomic(path, html);
  return path;
}
