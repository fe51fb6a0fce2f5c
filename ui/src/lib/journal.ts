// Words for the journal: an entry's kind and face, and a verification problem, in the reader's
// language, from the data the core sends (kinds and tagged problems, not English sentences).

import { t, formatDate, tEnum } from './i18n.svelte';
import type { JournalLine } from './types/JournalLine';
import type { JournalProblem } from './types/JournalProblem';

export function entryLabel(kind: string): string {
  const text = tEnum('entry', kind);
  return text === `entry.${kind}` ? kind : text;
}

export function faceLabel(face: string): string {
  const text = tEnum('face', face);
  return text === `face.${face}` ? face : text;
}

/** A record key (`task:12`, `table:inspections`) the way a person reads it. */
function recordWords(record: string): string {
  const [kind, rest] = record.split(':', 2);
  const names: Record<string, string> = { task: '№', setting: '', calendar: '', norm: '', import: '№', table: '', model: '№' };
  return kind in names ? `${kind} ${names[kind]}${rest}` : record;
}

export function problemText(p: JournalProblem): string {
  switch (p.kind) {
    case 'broken_chain': return t('problem.broken_chain', { seq: p.seq });
    case 'checkpoint_missing': return t('problem.checkpoint_missing');
    case 'checkpoint_invalid': return t('problem.checkpoint_invalid');
    case 'tail_cut': return t('problem.tail_cut', { size: p.checkpoint_size, n: p.entries });
    case 'checkpoint_not_extended': return t('problem.checkpoint_not_extended', { size: p.size });
    case 'record_changed': return t('problem.record_changed', { record: recordWords(p.record) });
    case 'record_missing': return t('problem.record_missing', { record: recordWords(p.record) });
    case 'record_not_journaled': return t('problem.record_not_journaled', { record: recordWords(p.record) });
    case 'table_changed': return t('problem.table_changed', { table: p.table });
    case 'personal_data_changed': return t('problem.personal_data_changed', { seq: p.seq });
    case 'personal_data_removed': return t('problem.personal_data_removed', { seq: p.seq });
  }
}

/** What an entry says, in the reader's language where the entry's data allows it; the reasons
 *  and notes are the person's own words. */
export function entryDetail(line: JournalLine): string {
  const e = line.entry;
  if (!e) return line.detail;
  switch (e.kind) {
    case 'task_created': return `${e.title} · ${t('date.due')}: ${formatDate(e.due)}`;
    case 'task_extended': return `${formatDate(e.from)} → ${formatDate(e.to)}: ${e.reason}`;
    case 'task_suspended': return `${formatDate(e.from)} – ${formatDate(e.to)}: ${e.reason} (${formatDate(e.old_due)} → ${formatDate(e.new_due)})`;
    case 'task_noted': return e.note;
    case 'task_done': return `${formatDate(e.on)} · ${t(e.late ? 'journal.late' : 'journal.on_time')}`;
    case 'task_recomputed': return `${formatDate(e.from)} → ${formatDate(e.to)}`;
    case 'task_recounted': return `${formatDate(e.from)} → ${formatDate(e.to)} · ${e.norm_id} (${t('journal.law_version_from')} ${formatDate(e.to_version)}): ${e.reason}`;
    case 'task_norm_replaced': return `${e.from} → ${e.to}`;
    case 'suggestion_accepted': return `${tEnum('kind', e.step)} → №${e.created.join(', №')}`;
    case 'suggestion_declined': return `${tEnum('kind', e.step)}: ${e.reason}`;
    case 'setting_changed': return `${e.key} = ${e.value}`;
    case 'import': return `${e.file} · ${t('import.inserted')} ${e.inserted}, ${t('import.updated')} ${e.updated}, ${t('import.rejected')} ${e.rejected}`;
    case 'model_trained': return `${e.model} · ${e.texts} · ${t('journal.accuracy')} ${e.accuracy.toFixed(3)}, macro-F1 ${e.macro_f1.toFixed(3)}`;
    case 'appeals_triaged': return `${e.appeals} · ${e.model ?? '—'} · ${e.priority_rules}, ${e.routing}`;
    case 'appeal_corrected': return `${e.appeal_no}: ${e.from ?? '—'} → ${e.to}: ${e.reason}`;
    case 'risk_model_trained': return `${e.model} · ${e.target} · ${e.examples} · AUC ${e.auc.toFixed(3)}`;
    case 'predictions_made': return `${e.model} · ${e.rows} · ${e.purpose}`;
    case 'evidence_packed': return `${e.subject_bin} · ${e.payload_files} · ${e.path}`;
    case 'evidence_verified': return `${e.path} · ${e.ok ? '✓' : `✗ ${e.problems}`}`;
    case 'act_drafted': return `${tEnum('actkind', e.act_kind)} (${e.lang}) · ${e.sha256.slice(0, 12)}`;
    case 'act_issued': return `${tEnum('actkind', e.act_kind)}${e.number ? ` № ${e.number}` : ''} · ${formatDate(e.issued_on)} · ${e.addressee}${e.response_due ? ` · ${formatDate(e.response_due)}` : ''}`;
    case 'document_attached': return `${e.file_name} · ${e.octets}`;
    case 'checklist_marked': return `${e.item} ${e.ticked ? '✔' : '✘'}`;
    case 'document_read': return `${e.sha256.slice(0, 12)} · ${e.state} · ${e.pages} (OCR ${e.ocr_pages}) · ${e.facts}`;
    case 'fact_confirmed': return `${e.fact_kind} = ${e.value}${e.corrected ? ' ✎' : ''}`;
    case 'fact_rejected': return `${e.fact_kind}: ${e.reason}`;
    case 'act_outcome': return `№${e.act_id} · ${tEnum('outcome_stage', e.stage)}: ${tEnum('outcome_result', e.result)} · ${formatDate(e.on)}`;
    case 'vault_changed': return `${tEnum('vault.change', e.change)} · ${e.cipher} · ${e.kdf}`;
    case 'backup_made': return `${e.file} · ${e.journal_entries} · ${tEnum('backup.with', e.encrypted_with)}`;
    case 'restored': return `${e.file} · ${e.made_by}, ${e.made_at.slice(0, 10)} · ${t('backup.epoch', { epoch: e.epoch })}`;
    case 'retention_applied': return `№ ${e.act_number} · ${formatDate(e.as_of)} · ${e.records.length} · ${e.redacted_entries.length}: ${e.reason}`;
    case 'record_redacted': return `№ ${e.act_number}`;
    case 'retention_received': return `№ ${e.act_number} · ${e.from_workstation.slice(0, 8)} · ${e.records_cleared.length} · ${e.redacted_entries.length} · ${e.replica_entries}`;
    case 'office_purged': return `${e.office} · ${e.remote_entries} · ${e.remote_tasks}: ${e.why}`;
    case 'office_joined': return `${e.person} · ${e.role} · ${e.districts.join(', ')} · ${e.office}`;
    case 'keys_reset': return `${e.files.join(', ')}: ${e.reason}`;
    case 'theme_saved': return `«${e.name}» v${e.version}${e.retired ? ` · ${t('themes.retired')}` : ''}: ${e.reason}`;
    case 'theme_member_decided': return `«${e.theme}» · ${e.item_key} · ${tEnum('themes.decision', e.decision)}: ${e.reason}`;
    case 'theme_noted': return `«${e.theme}»: ${e.note}`;
    case 'anomaly_reviewed': return `${tEnum('analytics.review', e.action)}: ${e.key}: ${e.reason}`;
    case 'risk_overridden': return `${e.subject_bin}: ${e.assessment ? tEnum('risk.level', e.assessment) : t('risk.withdraw')}: ${e.reason}`;
    case 'dependency_added': return `№${e.task_id} ${t('journal.waits_for')} №${e.depends_on}`;
    case 'calendar_imported': return `${e.year} · ${e.file}${e.replaced ? ` · ${t('journal.replaced')}` : ''}`;
    case 'norms_imported': return `${e.file} · ${e.norms}`;
    case 'norms_from_office': return `${e.file} · ${e.norms} · ${e.imported_by} · ${e.imported_at}`;
    case 'norm_version_recorded': return `${e.norm_id} v${e.version} · ${e.origin}`;
    case 'model_checked': return `${e.model} · ${e.texts} · ${t('journal.accuracy')} ${e.accuracy_then.toFixed(3)} → ${e.accuracy.toFixed(3)}`;
    case 'risk_model_checked': return `${e.model} · ${e.inspections} · AUC ${e.auc_then?.toFixed(3) ?? '—'} → ${e.auc?.toFixed(3) ?? '—'}${e.drifted ? ` · ${t('journal.drifted')}` : ''}`;
    case 'rules_changed': return `${e.fingerprint.slice(0, 12)} · ${e.recomputed}`;
    case 'baseline': return e.note;
    case 'checkpoint_reset': return e.reason;
    case 'legacy_task_log': return `${e.action}${e.old_due && e.new_due ? ` ${formatDate(e.old_due)} → ${formatDate(e.new_due)}` : ''}${e.detail ? `: ${e.detail}` : ''}`;
    default: return line.detail;
  }
}
