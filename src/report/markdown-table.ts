/**
 * A markdown table's lines: the header, the alignment row (the first `textCols` columns left-aligned, the
 * figures right-aligned) and one line per row. Shared by summary.md's sections.
 */
export function markdownTable(head: string[], rows: string[][], textCols: number): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i < textCols ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}
