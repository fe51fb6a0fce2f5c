// An error the core answers with a place in a file is worded whole in each language: the code's
// sentence, the file, the line (or a sheet's row), the column and, when the core sends it, the value.
import { afterEach, describe, expect, it } from 'vitest';
import { codeOf, errorText } from '../src/lib/errors';
import { i18n, type Lang } from '../src/lib/i18n.svelte';
import { CallError } from '../src/lib/transport';

afterEach(() => {
  i18n.lang = 'ru';
});

describe('errorText', () => {
  const bad = new CallError('invalid_input', "export.csv: line 3, field start_date: '31.02.2024' is not a date", {
    file: 'export.csv',
    position: 'line',
    line: 3,
    field: 'start_date',
    value: '31.02.2024',
  });

  const expected: Record<Lang, string[]> = {
    ru: ['Неверные данные', 'файл «export.csv», строка 3', 'столбец «start_date»', 'значение «31.02.2024»'],
    kk: ['Деректер дұрыс емес', '«export.csv» файлы, 3-жол', '«start_date» бағаны', 'мәні «31.02.2024»'],
    en: ['Invalid', 'file “export.csv”, line 3', 'column “start_date”', 'value “31.02.2024”'],
  };

  for (const lang of ['ru', 'kk', 'en'] as Lang[]) {
    it(`names the file, line, column and value in ${lang}`, () => {
      i18n.lang = lang;
      const text = errorText(bad);
      for (const part of expected[lang]) expect(text).toContain(part);
      expect(text).not.toContain('is not a date');
    });
  }

  it('says a sheet row, not a line, for a spreadsheet, and leaves out a value the core withheld', () => {
    i18n.lang = 'en';
    const text = errorText(new CallError('invalid_input', 'x', { file: 'e.xlsx', position: 'row', line: 7, field: 'bin' }));
    expect(text).toContain('sheet row 7');
    expect(text).not.toContain('value “');
  });

  it('words an error without a place as before', () => {
    i18n.lang = 'en';
    expect(errorText(new CallError('busy', 'locked'))).toBe(
      'The database is busy in another program (an import, say); try again in a minute',
    );
  });

  it('remembers the code of the sentences lately shown, not of every one ever made', () => {
    const at = (line: number) => new CallError('invalid_input', 'bad', { file: 'big.csv', position: 'line', line, field: 'bin', value: 'x' });
    const first = errorText(at(1));
    expect(codeOf(first)).toBe('invalid_input');
    let last = '';
    for (let line = 2; line <= 500; line++) last = errorText(at(line));
    expect(codeOf(last)).toBe('invalid_input');
    expect(codeOf(first)).toBeNull();
    // Shown again, a sentence is remembered again.
    expect(codeOf(errorText(at(1)))).toBe('invalid_input');
  });
});
