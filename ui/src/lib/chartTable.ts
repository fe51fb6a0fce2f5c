// A chart's data as a table: the text equivalent every chart carries (WCAG 1.1.1), read from the
// same ECharts option the chart draws, so the two never disagree. A point's label is what names it
// (a category of a category axis, a string in its data, an item's `label` or `name`); its values
// are the numbers left. Series drawn by hand (`custom`) are left out: their screens show the same
// figures in a table of their own. A point with a `name` (a map's region or district) keeps what a
// click on the chart would pass, so a keyboard can pick it from the table as a mouse does on the map.

export interface ChartTable {
  rows: { series: string; point: string; values: string; pick?: { name: string; data: unknown } }[];
  /** Rows left out beyond `limit`. */
  more: number;
}

type Axis = { type?: string; data?: unknown[] } | undefined;

const first = (axis: unknown): Axis => (Array.isArray(axis) ? axis[0] : axis) as Axis;

function number(v: unknown): string {
  if (v === null || v === undefined || v === '-') return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/\.?0+$/, '');
  return String(v);
}

export function chartTable(option: object, limit = 1000): ChartTable {
  const o = option as { series?: unknown; xAxis?: unknown; yAxis?: unknown };
  const series = (Array.isArray(o.series) ? o.series : o.series ? [o.series] : []) as
    { type?: string; name?: string; data?: unknown[] }[];
  const x = first(o.xAxis);
  const y = first(o.yAxis);
  const categories = (axis: Axis) => (axis?.type === 'category' && Array.isArray(axis.data) ? axis.data : null);
  const [xs, ys] = [categories(x), categories(y)];
  const rows: ChartTable['rows'] = [];
  let more = 0;
  for (const s of series) {
    if (s.type === 'custom' || !Array.isArray(s.data)) continue;
    s.data.forEach((datum, i) => {
      const labels: string[] = [];
      const values: string[] = [];
      const item = datum !== null && typeof datum === 'object' && !Array.isArray(datum) ? (datum as Record<string, unknown>) : null;
      const value = item ? item.value : datum;
      if (item && (item.label ?? item.name) !== undefined) labels.push(String(item.label ?? item.name));
      if (Array.isArray(value)) {
        value.forEach((v, j) => {
          if (j === 0 && xs && typeof v === 'number' && !item?.label && !item?.name) labels.push(String(xs[v] ?? v));
          else if (j === 1 && ys && typeof v === 'number' && !item?.label && !item?.name) labels.push(String(ys[v] ?? v));
          else if (typeof v === 'string') labels.push(v);
          else values.push(number(v));
        });
      } else {
        if (!labels.length) labels.push(xs ? String(xs[i] ?? i + 1) : ys ? String(ys[i] ?? i + 1) : String(i + 1));
        values.push(number(value));
      }
      const pick = item && typeof item.name === 'string' ? { name: item.name, data: item } : undefined;
      if (rows.length < limit) rows.push({ series: s.name ?? '', point: labels.join(' × '), values: values.join(' / '), pick });
      else more += 1;
    });
  }
  return { rows, more };
}
