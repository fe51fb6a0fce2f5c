// Typed wrappers over the method table: one function per method, parameters and results from
// the types generated from Rust (./types, checked in CI), so a change on either side fails the
// type check instead of a screen.

import { call } from './transport';
import type { AcceptParams } from './types/AcceptParams';
import type { CalendarYearView } from './types/CalendarYearView';
import type { CaseScreen } from './types/CaseScreen';
import type { CreatedTasks } from './types/CreatedTasks';
import type { Dashboard } from './types/Dashboard';
import type { DataKind } from './types/DataKind';
import type { HomeScreen } from './types/HomeScreen';
import type { ImportProgress } from './types/ImportProgress';
import type { ImportReport } from './types/ImportReport';
import type { NormsList } from './types/NormsList';
import type { OverdueRow } from './types/OverdueRow';
import type { Preferences } from './types/Preferences';
import type { Preview } from './types/Preview';
import type { RegionOverview } from './types/RegionOverview';
import type { SearchHits } from './types/SearchHits';
import type { Status } from './types/Status';
import type { TaskDetail } from './types/TaskDetail';
import type { Uploaded } from './types/Uploaded';

export const api = {
  status: () => call<Status>('status'),
  preferences: () => call<Preferences>('preferences'),
  setPreferences: (p: Preferences) => call<Preferences>('set_preferences', p),
  home: (assignee?: string | null) => call<HomeScreen>('home', { assignee: assignee ?? null }),
  search: (text: string, limit = 20) => call<SearchHits>('search', { text, limit }),
  caseScreen: (bin: string) => call<CaseScreen>('case', { bin }),
  task: (id: number) => call<TaskDetail>('task', { id }),
  acceptStep: (p: AcceptParams) => call<CreatedTasks>('accept_step', p),
  declineStep: (bin: string, reason: string) => call<{ ok: boolean }>('decline_step', { bin, reason }),
  completeTask: (id: number) => call<TaskDetail>('complete_task', { id, on: null }),
  noteTask: (id: number, text: string) => call<TaskDetail>('note_task', { id, text }),
  dashboard: () => call<Dashboard>('dashboard'),
  overdue: () => call<OverdueRow[]>('overdue'),
  regions: () => call<RegionOverview[]>('regions'),
  calendarYears: () => call<CalendarYearView[]>('calendar_years'),
  norms: () => call<NormsList>('norms'),
  upload: (name: string, base64: string) => call<Uploaded>('upload', { name, base64 }),
  importPreview: (upload: string, kind: DataKind | null) =>
    call<Preview>('import_preview', { upload, kind, skip_invalid: false }),
  importFile: (upload: string, kind: DataKind | null, skipInvalid: boolean) =>
    call<ImportReport>('import_file', { upload, kind, skip_invalid: skipInvalid }),
  importProgress: () => call<ImportProgress>('import_progress'),
};
