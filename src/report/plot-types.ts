/** The plots of the HTML report as plain data (what the page's script hands to uPlot). */

export type PlotKind = 'percentile' | 'time' | 'xy';

export interface PlotSeries {
  label: string;
  /** Which y axis: 1 = left (default), 2 = right. */
  axis?: 1 | 2;
  /** Draw points only, no line. */
  pointsOnly?: boolean;
}

export interface Band {
  /** Epoch seconds. */
  from: number;
  to: number;
  kind: 'warmup' | 'measure';
  label: string;
}

export interface Plot {
  id: string;
  title: string;
  kind: PlotKind;
  /** Axis labels with their units, e.g. `TTFT (ms)`. */
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  series: PlotSeries[];
  /** data[0] = x values (ascending), data[i] = series i-1 (null = no value). */
  data: (number | null)[][];
  /** Time plots: shaded benchmark phases. */
  bands?: Band[];
  /** Time plots: the x range shared by every time plot of the run (epoch seconds). */
  xRange?: [number, number];
  /** xy plots: a label per x value (benchmark names), shown on hover. */
  pointLabels?: string[];
}
