// Named wrappers over the declared method table, for the screens. Each is a one-line call typed
// by types/Methods.ts (generated from src/api/wire/rpc.rs and checked in CI), so a change on either
// side fails the type check instead of a screen.

import { call } from './transport';
import type { AcceptParams } from './types/AcceptParams';
import type { NewTaskRequest } from './types/NewTaskRequest';
import type { AccessLogParams } from './types/AccessLogParams';
import type { OfficeLoginParams } from './types/OfficeLoginParams';
import type { AdminAction } from './types/AdminAction';
import type { NationalLoginParams } from './types/NationalLoginParams';
import type { CountryParams } from './types/CountryParams';
import type { OfficeJournalParams } from './types/OfficeJournalParams';
import type { ReportFileParams } from './types/ReportFileParams';
import type { AccessLogReportParams } from './types/AccessLogReportParams';
import type { ReportParams } from './types/ReportParams';
import type { CorrectAppealParams } from './types/CorrectAppealParams';
import type { QueueFilter } from './types/QueueFilter';
import type { TaskFromFact } from './types/TaskFromFact';
import type { ActOutcomeRequest } from './types/ActOutcomeRequest';
import type { PrecedentRequest } from './types/PrecedentRequest';
import type { DataKind } from './types/DataKind';
import type { ConnectorSpec } from './types/ConnectorSpec';
import type { NetworkSettings } from './types/NetworkSettings';
import type { JournalQuery } from './types/JournalQuery';
import type { Preferences } from './types/Preferences';
import type { AnomalyKind } from './types/AnomalyKind';
import type { Target } from './types/Target';
import type { ActDraftRequest } from './types/ActDraftRequest';
import type { ActIssueRequest } from './types/ActIssueRequest';
import type { ChecklistMarkRequest } from './types/ChecklistMarkRequest';
import type { AnomalyReview } from './types/AnomalyReview';
import type { RiskAssessment } from './types/RiskAssessment';
import type { RetentionApplyRequest } from './types/RetentionApplyRequest';
import type { JoinParams } from './types/JoinParams';
import type { EffectRequest } from './types/EffectRequest';
import type { SaveThemeRequest } from './types/SaveThemeRequest';
import type { MemberRequest } from './types/MemberRequest';

const none = {} as Record<symbol, never>;

export const api = {
  status: () => call('status', none),
  preferences: () => call('preferences', none),
  setPreferences: (p: Preferences) => call('set_preferences', p),
  home: (assignee?: string | null) => call('home', { assignee: assignee ?? null }),
  search: (text: string, limit = 20) => call('search', { text, limit }),
  caseScreen: (bin: string) => call('case', { bin }),
  task: (id: number) => call('task', { id }),
  acceptStep: (p: AcceptParams) => call('accept_step', p),
  declineStep: (bin: string, reason: string) => call('decline_step', { bin, reason }),
  completeTask: (id: number, on: string | null = null) => call('complete_task', { id, on }),
  noteTask: (id: number, text: string) => call('note_task', { id, text }),
  extendTask: (id: number, to: string, reason: string, decided: string | null = null) =>
    call('extend_task', decided ? { id, to, reason, decided } : { id, to, reason }),
  recountTask: (id: number, reason: string) => call('recount_task', { id, reason }),
  suspendTask: (id: number, from: string, to: string, reason: string) => call('suspend_task', { id, from, to, reason }),
  waitForTask: (id: number, prerequisite: number) => call('wait_for_task', { id, prerequisite }),
  addTask: (p: NewTaskRequest) => call('add_task', p),
  slips: () => call('slips', none),
  guideTopics: (lang: string, screen: string | null) => call('guide_topics', { lang, screen }),
  guidePage: (lang: string, id: string) => call('guide_page', { lang, id }),
  guideSearch: (query: string, lang: string | null, limit = 10) => call('guide_search', { query, lang, limit }),
  dashboard: () => call('dashboard', none),
  appealQueue: (filter: QueueFilter) => call('appeal_queue', filter),
  appealCard: (appealNo: string) => call('appeal_card', { appeal_no: appealNo }),
  appealsReference: () => call('appeals_reference', none),
  models: () => call('models', none),
  modelsFreshness: () => call('models_freshness', none),
  checkRiskModel: (name: string) => call('check_risk_model', { name }),
  checkModel: (name: string, upload: string) => call('check_model', { name, upload }),
  modelPassport: (name: string) => call('model_passport', { name }),
  correctAppeal: (p: CorrectAppealParams) => call('correct_appeal', p),
  overdue: () => call('overdue', none),
  regions: () => call('regions', none),
  calendarYears: () => call('calendar_years', none),
  norms: () => call('norms', none),
  journal: (q: JournalQuery) => call('journal', q),
  journalVerify: () => call('journal_verify', none),
  journalStatus: () => call('journal_status', none),
  vaultState: () => call('vault_state', none),
  unlock: (passphrase: string) => call('unlock', { passphrase }),
  vaultOverview: () => call('vault_overview', none),
  backupNow: (passphrase: string | null) => call('backup_now', { passphrase }),
  rekey: (current: string, fresh: string) => call('rekey', { current, new: fresh }),
  restoreBackup: (file: string, to: string, passphrase: string | null) => call('restore_backup', { file, to, passphrase }),
  retentionPlan: (asOf: string | null) => call('retention_plan', { as_of: asOf }),
  retentionApply: (p: RetentionApplyRequest) => call('retention_apply', p),
  retentionActs: () => call('retention_acts', none),
  officeStatus: () => call('office_status', none),
  officeJoin: (p: JoinParams) => call('office_join', p),
  sync: () => call('sync', none),
  officeAssign: (id: number, person: string, reason: string) => call('office_assign', { id, person, reason }),
  officeConflicts: () => call('office_conflicts', none),
  officeDashboard: () => call('office_dashboard', none),
  officeThemeScan: () => call('office_theme_scan', none),
  officeThemeScores: () => call('office_theme_scores', none),
  officeEffect: () => call('office_effect', none),
  officeAnomalies: () => call('office_anomalies', none),
  officeAppealsMap: () => call('office_appeals_map', none),
  officeAccessLog: (params: AccessLogParams) => call('office_access_log', params),
  officeJournal: (params: OfficeJournalParams) => call('office_journal', params),
  officeAdminLogin: (params: OfficeLoginParams) => call('office_admin_login', params),
  officeAdmin: () => call('office_admin', none),
  officeAdminAct: (action: AdminAction) => call('office_admin_act', { act: action }),
  officeAdminLogout: () => call('office_admin_logout', none),
  officeReport: (params: ReportParams) => call('office_report', params),
  officeAnalystLogin: (params: OfficeLoginParams) => call('office_analyst_login', params),
  officeAnalyst: () => call('office_analyst', none),
  officeAnalystLogout: () => call('office_analyst_logout', none),
  nationalLogin: (params: NationalLoginParams) => call('national_login', params),
  nationalCountry: (params: CountryParams) => call('national_country', params),
  nationalLogout: () => call('national_logout', none),
  nationalReport: (params: ReportFileParams) => call('national_report', params),
  officeAdminReport: (params: ReportFileParams) => call('office_admin_report', params),
  officeAccessLogReport: (params: AccessLogReportParams) => call('office_access_log_report', params),
  officeAdminAccessLog: (params: AccessLogParams) => call('office_admin_access_log', params),
  officeAdminAccessLogReport: (params: AccessLogReportParams) => call('office_admin_access_log_report', params),
  officeAnalystReport: (params: ReportParams) => call('office_analyst_report', params),
  officePeople: () => call('office_people', none),
  connectors: () => call('connectors', none),
  connectorAdd: (spec: ConnectorSpec) => call('connector_add', spec),
  connectorRemove: (name: string) => call('connector_remove', { name }),
  connectorRun: (name: string) => call('connector_run', { name }),
  connectorRuns: (name: string) => call('connector_runs', { name }),
  connectorsRunDue: () => call('connectors_run_due', none),
  connectorsNetwork: () => call('connectors_network', none),
  connectorsNetworkSet: (settings: NetworkSettings) => call('connectors_network_set', settings),
  officeConnectors: () => call('office_connectors', none),
  officeResolve: (id: number, keep: number, reason: string) => call('office_resolve', { id, keep, reason }),
  upload: (name: string, base64: string) => call('upload', { name, base64 }),
  discardUpload: (upload: string) => call('discard_upload', { upload }),
  rejectedRows: (upload: string) => call('rejected_rows', { upload }),
  importPreview: (upload: string, kind: DataKind | null) => call('import_preview', { upload, kind, skip_invalid: false }),
  importFile: (upload: string, kind: DataKind | null, skipInvalid: boolean) =>
    call('import_file', { upload, kind, skip_invalid: skipInvalid }),
  importProgress: () => call('import_progress', none),
  anomalies: (kind: AnomalyKind | null = null) => call('anomalies', { kind }),
  anomaly: (id: string, limit = 100) => call('anomaly', { id, limit }),
  reviewAnomaly: (id: string, action: AnomalyReview, reason: string) => call('review_anomaly', { id, action, reason }),
  riskExplain: (bin: string) => call('risk_explain', { bin }),
  overrideRisk: (bin: string, assessment: RiskAssessment, reason: string) => call('override_risk', { bin, assessment, reason }),
  trainRisk: (target: Target | null = null) => call('train_risk', { target }),
  scorePlan: (upload: string, top: number | null = null) => call('score_plan', { upload, top }),
  actDraft: (p: ActDraftRequest) => call('act_draft', p),
  actIssue: (p: ActIssueRequest) => call('act_issue', p),
  actShow: (act: number, horizonDays: number | null = null) => call('act_show', { act, horizon_days: horizonDays }),
  effect: (request: EffectRequest) => call('effect', request),
  themes: (all = false) => call('themes', { all }),
  themeSave: (request: SaveThemeRequest) => call('theme_save', request),
  themeRetire: (name: string, reason: string) => call('theme_retire', { name, reason }),
  themeCard: (name: string, asOf: string | null = null) => call('theme_card', { name, as_of: asOf }),
  themeScan: (asOf: string | null = null, months: number | null = null) => call('theme_scan', { as_of: asOf, months }),
  themeScores: (asOf: string | null = null) => call('theme_scores', { as_of: asOf, months: null }),
  themeMembers: (name: string, limit: number | null = null, district: string | null = null) =>
    call('theme_members', district ? { name, limit, district } : { name, limit }),
  themeDecide: (request: MemberRequest) => call('theme_decide', request),
  themeNews: () => call('theme_news', none),
  themeNote: (name: string, note: string) => call('theme_note', { name, note }),
  themeProposals: (asOf: string | null = null, days: number | null = null) => call('theme_proposals', { as_of: asOf, days }),
  actOutcome: (p: ActOutcomeRequest) => call('act_outcome', p),
  actPrecedents: (p: PrecedentRequest) => call('act_precedents', p),
  attach: (bin: string, upload: string, note: string | null) => call('evidence_attach', { bin, upload, note }),
  attachment: (bin: string, sha256: string) => call('attachment', { bin, sha256 }),
  documents: (bin: string) => call('documents', { bin }),
  documentOpen: (id: number) => call('document_open', { id }),
  documentPageImage: (id: number, page: number) => call('document_page_image', { id, page }),
  documentRead: (id: number) => call('document_read', { id }),
  factConfirm: (fact: number, value: string | null, bin: string) => call('fact_confirm', { fact, value, bin }),
  factReject: (fact: number, reason: string, bin: string) => call('fact_reject', { fact, reason, bin }),
  factTask: (p: TaskFromFact) => call('fact_task', p),
  readingProgress: () => call('reading_progress', none),
  readingCancel: () => call('reading_cancel', none),
  markChecklist: (p: ChecklistMarkRequest) => call('checklist_mark', p),
  packEvidence: (bin: string) => call('evidence_pack', { bin }),
  verifyEvidence: (upload: string) => call('evidence_verify', { upload }),
};
