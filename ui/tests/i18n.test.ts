// Every string translated: the three dictionaries have the same keys and no empty value, the
// Kazakh one uses Kazakh letters, and every key the screens ask for exists — the literal ones
// found in the source and the ones built from enum values the core sends.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LANGS, i18n, t, tEnum } from '../src/lib/i18n.svelte';
// @ts-expect-error: a plain .mjs script, without types
import { keysFile } from '../scripts/word-keys.mjs';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'types' ? [] : sources(path);
    return /\.(svelte|ts)$/.test(name) ? [path] : [];
  });
}

/** The members of a string union type generated from Rust (`export type X = "a" | "b";`). */
function unionOf(typeFile: string): string[] {
  const text = readFileSync(join(import.meta.dirname, '../src/lib/types', typeFile), 'utf8');
  return [...text.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
}

/** The `kind` tags of a tagged union generated from Rust. */
function tagsOf(typeFile: string): string[] {
  const text = readFileSync(join(import.meta.dirname, '../src/lib/types', typeFile), 'utf8');
  return [...text.matchAll(/"kind": "([a-z_]+)"/g)].map((m) => m[1]);
}

const ENUM_KEYS: Record<string, string[]> = {
  // Every error code the core sends, and the transport's own.
  error: [...unionOf('ErrorCode.ts'), 'unavailable', 'network'],
  // Every kind of journal entry and of verification problem, and every face.
  entry: tagsOf('Entry.ts'),
  problem: tagsOf('JournalProblem.ts'),
  face: ['cli', 'desktop', 'browser', 'import', 'system'],
  kind: unionOf('TaskKind.ts'),
  suggest: ['gather_information', 'consider_appeal', 'inspection_check', 'issue_response', 'control_execution', 'follow_up'],
  stage: ['information_gathering', 'inspection', 'response', 'control_of_execution'],
  status: ['open', 'done', 'cancelled'],
  inspection: ['planned', 'unplanned', 'preventive_visit'],
  outcome: ['satisfied', 'refused', 'explained'],
  degree: ['high', 'medium', 'low'],
  reminder: ['five_days_before', 'one_day_before', 'due_today', 'overdue'],
  unit: ['working_days', 'calendar_days', 'months'],
  day: tagsOf('DayReason.ts'),
  origin: ['shipped', 'imported'],
  'import.kind': ['inspections', 'appeals', 'risk'],
  nav: ['desk', 'appeals', 'analytics', 'themes', 'effect', 'search', 'dashboard', 'import', 'settings'],
  anomaly: unionOf('AnomalyKind.ts'),
  'risk.level': ['high', 'medium', 'low'],
  'analytics.tab': ['anomalies', 'plan', 'model'],
  'analytics.review': ['dismissed', 'restored'],
  'appeals.source': unionOf('CategorySource.ts'),
  mask: unionOf('MarkerKind.ts'),
  'appeal.step': ['registration', 'forwarding', 'consideration'],
  'appeal.status': ['registered', 'open', 'overdue', 'done', 'cancelled', 'planned', 'with_group'],
  'appeal.aspect': ['category', 'priority', 'route', 'duplicate'],
  // Every problem an evidence package's check names, and every act kind (its code has a hyphen).
  bag: [...readFileSync(join(import.meta.dirname, '../src/lib/types/BagProblem.ts'), 'utf8').matchAll(/"problem": "([a-z_]+)"/g)].map((m) => m[1]),
  actkind: ['submission', 'protest', 'order', 'warning', 'appeal-answer'],
  // The placeholders a draft can leave, what a precedent can share, every KPI of the report.
  'acts.placeholder': ['office', 'addressee', 'addressee_position', 'norms_breached', 'requirements', 'prosecutor', 'prosecutor_position'],
  'precedents.match': ['category', 'category_group', 'oked', 'oked_division', 'oked_section'],
  'effect.kpi': ['answered_in_time', 'satisfied', 'satisfied_or_partly', 'protests_upheld', 'median_days',
    'checklist_complete', 'placeholders_filled', 'formal_defects'],
  'retention.kind': unionOf('RecordKind.ts'),
  // A theme score's parts and what a theme counts.
  'themes.part': ['growth', 'severity', 'anomaly', 'member_risk', 'repeats'],
  'themes.series': unionOf('SeriesKind.ts'),
  'themes.decision': ['accepted', 'rejected'],
  'desk.theme_news': unionOf('SeriesKind.ts'),
  // Every reason a check of what later data say of an act can give.
  // The families worded with tEnum from a wire union: an act's stages and results, what an
  // estimate measures, retention's units, a theme's events, the vault's changes.
  outcome_result: unionOf('ActResult.ts'),
  outcome_stage: unionOf('ActStage.ts'),
  'effect.outcome': unionOf('EffectOutcome.ts'),
  'retention.unit': unionOf('RetentionUnit.ts'),
  'themes.event': unionOf('ThemeEventKind.ts'),
  'vault.change': unionOf('VaultChange.ts'),
  'verify.reason': [...readFileSync(join(import.meta.dirname, '../src/lib/types/VerificationReason.ts'), 'utf8').matchAll(/"code": "([a-z_]+)"/g)].map((m) => m[1]),
};

describe('translations', () => {
  it('have the same keys in Russian, Kazakh and English, none empty', () => {
    const ruKeys = Object.keys(DICTIONARIES.ru).sort();
    for (const lang of LANGS) {
      expect(Object.keys(DICTIONARIES[lang]).sort()).toEqual(ruKeys);
      for (const [key, value] of Object.entries(DICTIONARIES[lang])) expect(value.trim(), `${lang}:${key}`).not.toBe('');
    }
  });

  it('write Kazakh with its own letters', () => {
    const all = Object.values(DICTIONARIES.kk).join(' ');
    for (const letter of ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'і']) expect(all).toContain(letter);
  });

  it('cover every key the screens use', () => {
    const used = new Set<string>();
    for (const file of sources(join(import.meta.dirname, '../src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\('([a-z0-9_.]+)'/g)) used.add(match[1]);
    }
    for (const [prefix, values] of Object.entries(ENUM_KEYS)) for (const v of values) used.add(`${prefix}.${v}`);
    expect(ENUM_KEYS.error.length).toBeGreaterThan(15);
    expect(ENUM_KEYS.entry.length).toBeGreaterThan(15);
    expect(ENUM_KEYS.bag.length).toBeGreaterThan(8);
    expect(used.size).toBeGreaterThan(150);
    const missing = [...used].filter((key) => !(key in DICTIONARIES.ru));
    expect(missing).toEqual([]);
  });

  it('type every key: the generated key types are current (`npm run words` rewrites them)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../src/lib/words/keys.ts'), 'utf8');
    expect(committed).toBe(keysFile());
    // Every word is a key of the type, and the type holds nothing else.
    const typed = [...committed.split('export type WordPrefix')[0].matchAll(/\| '([^']+)'/g)].map((m) => m[1]);
    expect(typed.sort()).toEqual(Object.keys(DICTIONARIES.ru).sort());
  });

  it('word a value the core sends by its family', () => {
    i18n.lang = 'en';
    expect(tEnum('unit', 'working_days')).toBe(t('unit.working_days'));
    expect(tEnum('unit', 'no_such_unit')).toBe('unit.no_such_unit');
    i18n.lang = 'ru';
  });

  it('fill placeholders and switch with the language', () => {
    i18n.lang = 'kk';
    expect(t('urgency.late', { n: 3 })).toBe('3 жұмыс күнге кешікті');
    i18n.lang = 'en';
    expect(t('urgency.late', { n: 3 })).toBe('3 working days late');
    i18n.lang = 'ru';
    expect(t('desk.later', { n: 4 })).toBe('Позже: 4');
  });
});
