/**
 * Who is the interviewer? Config names win; then names that say so ("Interviewer", "Moderator",
 * "Q"); then the speaker who asks the most questions. The decision and its reason go into
 * `meta.roles` so a researcher can see why a turn was (not) analysed.
 */
import type { InterviewSettings } from '../../config/pipeline.js';
import { speakerKey, type Turn } from './turns.js';

export type InterviewRole = 'interviewer' | 'participant';

export interface RoleDecision {
  role: InterviewRole;
  reason: string;
  turns: number;
  /** Share of this speaker's turns that end with a question mark, 0..1 (two decimals). */
  questionShare: number;
}

const INTERVIEWER_NAME = /^(q|int|interviewer|moderator|researcher|ux researcher|user researcher|host|facilitator)(\s*\d+)?$/i;
const PARTICIPANT_NAME = /^(a|p|participant|respondent|interviewee|customer|guest)(\s*\d+)?$/i;

/** Whether a speaker name is itself a role ("Interviewer", "Q", "Participant 2"). */
export function isRoleName(name: string): boolean {
  return INTERVIEWER_NAME.test(name.trim()) || PARTICIPANT_NAME.test(name.trim());
}

/** The heuristic only trusts a speaker who asked at least this many questions and this share of turns. */
const MIN_QUESTIONS = 2;
const MIN_QUESTION_SHARE = 0.25;

interface Stats {
  name: string;
  turns: number;
  questions: number;
}

function isQuestion(text: string): boolean {
  // Trailing quotes, brackets or ellipses after the "?" still make it a question.
  return /\?[\s"'”’)\].…]*$/u.test(text);
}

function speakerStats(turns: readonly Turn[]): Stats[] {
  const byKey = new Map<string, Stats>();
  for (const t of turns) {
    const key = speakerKey(t.speaker);
    const s = byKey.get(key) ?? { name: t.speaker, turns: 0, questions: 0 };
    s.turns++;
    if (isQuestion(t.text)) s.questions++;
    byKey.set(key, s);
  }
  return [...byKey.values()];
}

const share = (s: Stats): number => (s.turns === 0 ? 0 : s.questions / s.turns);
const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** Decides by config or by name; null when neither says anything. */
function explicitRole(name: string, settings: InterviewSettings | undefined): Omit<RoleDecision, 'turns' | 'questionShare'> | null {
  const key = speakerKey(name);
  if (settings?.interviewers.some((n) => speakerKey(n) === key)) {
    return { role: 'interviewer', reason: 'listed in interview.interviewers' };
  }
  if (settings?.participants.some((n) => speakerKey(n) === key)) {
    return { role: 'participant', reason: 'listed in interview.participants' };
  }
  if (INTERVIEWER_NAME.test(name.trim())) return { role: 'interviewer', reason: `the name "${name}" marks an interviewer` };
  if (PARTICIPANT_NAME.test(name.trim())) return { role: 'participant', reason: `the name "${name}" marks a participant` };
  return null;
}

/** The undecided speaker who clearly asks the most questions, or null when nobody does. */
function questionAsker(undecided: readonly Stats[]): { asker: Stats; runnerUp: number } | null {
  const ranked = [...undecided].sort((a, b) => share(b) - share(a) || b.turns - a.turns);
  const [top, next] = ranked;
  if (!top || !next) return null; // one speaker alone is not interviewing anybody
  if (top.questions < MIN_QUESTIONS || share(top) < MIN_QUESTION_SHARE || share(top) <= share(next)) return null;
  return { asker: top, runnerUp: share(next) };
}

/**
 * Roles for every speaker of one transcript, keyed by `speakerKey(name)`.
 * Every speaker who is not an interviewer is a participant.
 */
export function decideRoles(turns: readonly Turn[], settings: InterviewSettings | undefined): Map<string, RoleDecision> {
  const stats = speakerStats(turns);
  const out = new Map<string, RoleDecision>();
  const undecided: Stats[] = [];
  for (const s of stats) {
    const explicit = explicitRole(s.name, settings);
    if (explicit) out.set(speakerKey(s.name), { ...explicit, turns: s.turns, questionShare: round2(share(s)) });
    else undecided.push(s);
  }
  const haveInterviewer = [...out.values()].some((d) => d.role === 'interviewer');
  const found = haveInterviewer ? null : questionAsker(undecided);
  for (const s of undecided) {
    const base = { turns: s.turns, questionShare: round2(share(s)) };
    if (found && found.asker === s) {
      const reason = `asks the most questions: ${s.questions} of ${s.turns} turns (${pct(share(s))}) end with "?", next speaker ${pct(found.runnerUp)}`;
      out.set(speakerKey(s.name), { role: 'interviewer', reason, ...base });
    } else {
      out.set(speakerKey(s.name), { role: 'participant', reason: participantReason(haveInterviewer, found !== null), ...base });
    }
  }
  return out;
}

function participantReason(configured: boolean, asked: boolean): string {
  if (configured) return 'the interviewer is known by config or name; every other speaker is a participant';
  if (asked) return 'another speaker asks the most questions';
  return 'no interviewer could be identified (no config name, no interviewer-like name, no clear question asker)';
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
