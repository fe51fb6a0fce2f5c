// The chart's text equivalent: the table read from the same ECharts option, for the kinds of charts
// the screens draw (categories, heatmap cells by axis index, map items with a label, scatter points
// named by a string, series drawn by hand left out), and the Chart component offering it.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { chartTable } from '../src/lib/chartTable';

vi.mock('../src/lib/charts', () => ({
  loadEcharts: async () => ({ init: () => ({ setOption() {}, on() {}, resize() {}, dispose() {} }) }),
}));

describe('a chart as a table', () => {
  it('names each point by its category and keeps its values', () => {
    const bars = chartTable({ xAxis: { type: 'category', data: ['янв', 'фев'] }, series: [{ name: 'обращения', type: 'bar', data: [12, 7.25] }] });
    expect(bars.rows).toEqual([{ series: 'обращения', point: 'янв', values: '12' }, { series: 'обращения', point: 'фев', values: '7.25' }]);
    const heat = chartTable({
      xAxis: { type: 'category', data: ['ЖКХ', 'труд'] }, yAxis: { type: 'category', data: ['Түркістан', 'Шымкент'] },
      series: [{ type: 'heatmap', data: [[1, 0, 5], { value: [0, 1, 3, 1], row: 'x', category: 'y' }] }],
    });
    expect(heat.rows.map((r) => [r.point, r.values])).toEqual([['труд × Түркістан', '5'], ['ЖКХ × Шымкент', '3 / 1']]);
    const map = chartTable({ series: [{ type: 'map', data: [{ name: '1910', label: 'Алматы', value: 4 }] }] });
    expect(map.rows[0]).toMatchObject({ point: 'Алматы', values: '4' });
    const funnel = chartTable({ xAxis: { type: 'value' }, series: [{ name: 'районы', type: 'scatter', data: [[20, 0.5, '1920']] }, { type: 'custom', data: [[1, 2, 0]] }] });
    expect(funnel.rows).toEqual([{ series: 'районы', point: '1920', values: '20 / 0.5' }]);
    expect(chartTable({ series: [{ type: 'line', data: [1, 2, 3] }] }, 2).more).toBe(1);
  });

  it('is offered under the chart', async () => {
    const { default: Chart } = await import('../src/components/Chart.svelte');
    render(Chart, { option: { xAxis: { type: 'category', data: ['қаң'] }, series: [{ name: 'n', type: 'bar', data: [3] }] }, label: 'динамика' });
    const table = screen.getByTestId('chart-table');
    expect(table.textContent).toContain('қаң');
    expect(table.querySelector('caption')!.textContent).toBe('динамика');
  });

  it("lets a keyboard pick a map's point from the table as a click on the map does", async () => {
    const { default: Chart } = await import('../src/components/Chart.svelte');
    const picked: string[] = [];
    const option = { series: [{ type: 'map', data: [{ name: '5532', label: 'Актогайский район', value: 4 }, { name: '5522', label: 'Экибастуз Г.А.', value: 1 }] }] };
    render(Chart, { option, label: 'карта', onpick: (p: { name: string }) => picked.push(p.name) });
    const button = screen.getByTestId('chart-table').querySelector('[data-pick="5532"]') as HTMLButtonElement;
    expect(button.textContent).toBe('Актогайский район');
    await fireEvent.click(button);
    expect(picked).toEqual(['5532']);
    // Without a pick handler the points are text.
    render(Chart, { option, label: 'без выбора' });
    expect(screen.getAllByTestId('chart-table')[1].querySelector('[data-pick]')).toBeNull();
  });
});

describe('a districts map', () => {
  it('names every district for its table and tooltip, and a district without a point counts 0', async () => {
    const { districtMapOption } = await import('../src/lib/districtMap');
    const option = districtMapOption([{ name: '1940', value: 3, overdue: 1 }], {
      nameOf: (code) => (code === '1940' ? 'Баянаульский' : code),
      tooltip: (p) => `${p.label ?? p.name}: ${p.value}`,
      more: 'больше', palette: 'red',
    }) as { tooltip: { formatter: (p: { name: string }) => string }; visualMap: { max: number } };
    expect(chartTable(option).rows[0]).toMatchObject({ point: 'Баянаульский', values: '3' });
    expect(option.tooltip.formatter({ name: '1940' })).toBe('Баянаульский: 3');
    expect(option.tooltip.formatter({ name: '5532' })).toBe('5532: 0');
    expect(districtMapOption([], { nameOf: String, tooltip: () => '', more: '', palette: 'blue' })).toMatchObject({ visualMap: { max: 1 } });
  });
});
