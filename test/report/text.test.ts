import { describe, expect, it } from 'vitest';
import { datasetTable, overviewTable, renderAligned } from '../../src/report/tables.js';
import {
  renderCsv, renderJsonLines, renderMarkdown, renderTerminal,
} from '../../src/report/text.js';
import { smallResult } from './result-fixture.js';

/** Minimal RFC 4180 parser for the test (quoted fields, doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') { row.push(cell); cell = ''; }
    else if (char === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else cell += char;
  }
  return rows;
}

describe('text reports', () => {
  const result = smallResult();

  it('when rendered as CSV then there is one row per image and method, quoted where needed', () => {
    const rows = parseCsv(renderCsv(result));
    expect(rows).toHaveLength(1 + 9);
    const header = rows[0];
    expect(header.slice(0, 4)).toEqual(['dataset', 'id', 'source', 'method']);
    const at = (row: string[], column: string) => row[header.indexOf(column)];
    expect(at(rows[1], 'id')).toBe('x,1');
    expect(at(rows[4], 'id')).toBe('y"2');
    expect(at(rows[1], 'fmeasure')).toBe('0.5');
    expect(at(rows[8], 'error')).toBe('window too large');
    expect(at(rows[8], 'fmeasure')).toBe('');
    expect(at(rows[2], 'thresholdError')).toBe('');
  });

  it('when rendered as JSON Lines then settings, image rows and summaries parse', () => {
    const lines = renderJsonLines(result).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ type: 'settings', polarity: 'truth', images: 3 });
    expect(lines.filter((line) => line.type === 'image')).toHaveLength(9);
    const summaries = lines.filter((line) => line.type === 'summary');
    expect(summaries).toHaveLength(9); // (set-a, set-b, all) × 3 methods
    const all = summaries.find((line) => line.dataset === 'all' && line.method === 'otsu');
    expect(all.metrics.fmeasure.mean).toBeCloseTo(0.6, 12);
  });

  it('when the overview is built then cells are percentages, W/T/L and failures shown', () => {
    const table = overviewTable(result);
    const otsu = table.rows[0];
    expect(otsu[0]).toBe('otsu');
    expect(otsu[2]).toBe('60.00'); // mean F of 0.5, 0.6, 0.7
    expect(table.rows[1][1]).toBe('2 (+1 failed)');
    expect(table.rows[1].at(-2)).toBe('2/0/0'); // sauvola 0.9 beats otsu on both scored images
    expect(table.rows[0].at(-2)).toBe('–');
    expect(table.rows[0].at(-1)).toBe('–'); // polarity accuracy: learned rows only
    expect(otsu[table.header.indexOf('PSNR dB')]).toBe('12.35');
    expect(otsu[table.header.indexOf('MCC')]).toBe('0.123');
  });

  it('when a table is aligned then every row of it has the same width', () => {
    const lines = renderAligned(datasetTable(result)).trimEnd().split('\n').slice(1);
    const widths = new Set(lines.map((line) => line.length));
    // Rows are trimmed at the end; numeric (right-aligned) last column keeps them equal.
    expect(widths.size).toBe(1);
    expect(lines[0]).toMatch(/^method\s+set-a\s+set-b\s+all$/);
  });

  it('when rendered for the terminal and as Markdown then both hold both tables', () => {
    const terminal = renderTerminal(result);
    expect(terminal).toMatch(/^autothresh bench: 3 images in 2 datasets/);
    // Labelled records are counted as records, apart from image files.
    expect(renderTerminal({ ...result, records: 3 }))
      .toMatch(/^autothresh bench: 3 records in 2 datasets/);
    expect(renderTerminal({ ...result, records: 1 }))
      .toMatch(/^autothresh bench: 2 images and 1 record in 2 datasets/);
    expect(terminal).toContain('F by dataset (%)');
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('| method | images | F % |');
    expect(markdown).toContain('| --- | ---: |');
    expect(markdown).toContain('- a note');
  });
});

describe('text reports of names with control characters', () => {
  it('when a dataset is named with a line feed and an escape then every row stays one line',
    () => {
      const result = smallResult('set\nb\u001b[31m');
      for (const text of [renderTerminal(result), renderMarkdown(result)]) {
        expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
        expect(text).toContain('set\\nb\\u001b[31m');
      }
      const lines = renderAligned(datasetTable(result)).trimEnd().split('\n');
      const widths = new Set(lines.slice(1).map((line) => line.length));
      expect(lines[1]).toContain('set\\nb\\u001b[31m');
      expect(widths.size).toBeLessThanOrEqual(2); // header and rule as wide; rows trimmed
    });
});

describe('text reports: pointers and notes', () => {
  it('when there are several datasets then the terminal points to the per-dataset formats '
    + 'and Markdown holds each dataset\'s overview', () => {
    const result = smallResult();
    expect(renderTerminal(result)).toContain('Every metric per dataset, with intervals and W/T/L:');
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('### Dataset set-a');
    expect(markdown).toContain('### Dataset set-b');
  });

  it('when the reference method was not run then the terminal says why W/T/L is empty', () => {
    const result = smallResult();
    result.methods = result.methods.filter((method) => method.name !== 'otsu');
    result.summaries = result.summaries.filter((summary) => summary.method !== 'otsu');
    expect(renderTerminal(result)).toContain(
      'W/T/L: – because otsu, the reference, is not among the methods (add it to --methods).',
    );
    expect(renderTerminal(smallResult())).not.toContain('W/T/L: –');
  });

  it('when a row used another polarity then CSV gives the best threshold for that polarity',
    () => {
      const result = smallResult();
      Object.assign(result.results[0], { polarity: 'bright', bestThreshold: 90 });
      const [header, first] = parseCsv(renderCsv(result));
      expect(first[header.indexOf('polarity')]).toBe('bright');
      expect(first[header.indexOf('bestThreshold')]).toBe('90');
    });
});
