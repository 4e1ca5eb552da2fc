/**
 * Values that used to be misread silently: dates (year 1, day-first dots, a configured day order,
 * English ordinals as in the BA reviews) and scores (scientific and hex notation refused; the
 * rating10, rating100 and yesno scales).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { dayOrderOf, parseDate as parseSurveyDate } from '../src/ingest/dates.js';
import { parseScore } from '../src/ingest/surveys/scores.js';

describe('dates', () => {
  it('keeps years below 100 as they are', () => {
    expect(parseSurveyDate('0001-01-01')).toBe('0001-01-01T00:00:00.000Z');
    expect(parseSurveyDate('0099-12-31 10:00')).toBe('0099-12-31T10:00:00.000Z');
  });

  it('reads dotted numeric dates day first, slashes month first, unless a dateFormat says otherwise', () => {
    expect(parseSurveyDate('03.05.2026')).toBe('2026-05-03T00:00:00.000Z');
    expect(parseSurveyDate('03/05/2026')).toBe('2026-03-05T00:00:00.000Z');
    expect(parseSurveyDate('03/05/2026', undefined, dayOrderOf('DD/MM/YYYY'))).toBe('2026-05-03T00:00:00.000Z');
    expect(parseSurveyDate('03.05.2026', undefined, dayOrderOf('MM.DD.YYYY'))).toBe('2026-03-05T00:00:00.000Z');
    expect(parseSurveyDate('25/05/2026')).toBe('2026-05-25T00:00:00.000Z');
    expect(dayOrderOf('D MMMM YYYY')).toBe('day-first');
    expect(dayOrderOf('YYYY-MM-DD')).toBe('month-first');
  });

  it('reads English ordinals and full month names', () => {
    expect(parseSurveyDate('19th November 2023')).toBe('2023-11-19T00:00:00.000Z');
    expect(parseSurveyDate('1st December 2023')).toBe('2023-12-01T00:00:00.000Z');
    expect(parseSurveyDate('November 22nd, 2023')).toBe('2023-11-22T00:00:00.000Z');
    expect(parseSurveyDate('3rd of March 2024')).toBe('2024-03-03T00:00:00.000Z');
    expect(parseSurveyDate('31st February 2024')).toBeNull();
    expect(parseSurveyDate('19th Novembers 2023')).toBeNull();
  });

  const ba = resolve(import.meta.dirname, '../../shared/datasets/ba-airline-reviews-skytrax/BA_AirlineReviews.csv');
  it.runIf(existsSync(ba))('parses every review date of the real BA export', () => {
    const rows = parse(readFileSync(ba), { columns: true, bom: true }) as Array<Record<string, string>>;
    const bad = rows.filter((r) => r.Datetime && parseSurveyDate(r.Datetime) === null).map((r) => r.Datetime);
    expect(bad).toEqual([]);
  });
});

describe('scores', () => {
  it('refuses scientific and hex notation instead of misreading them', () => {
    for (const raw of ['1e1', '1E1', '0x5', '0b1', '2.5e0']) {
      const r = parseScore(raw, 'nps', 'NPS');
      expect(r.score, raw).toBeNull();
      expect(r.warning, raw).toMatch(/is not a number/);
    }
    expect(parseScore('9 - Extremely likely', 'nps', 'NPS').score?.value).toBe(9);
    expect(parseScore('Extremely likely 10', 'nps', 'NPS').score?.value).toBe(10);
  });

  it('has 1-10 ratings, 0-100 scores and yes/no recommend', () => {
    expect(parseScore('8', 'rating10', 'OverallRating').score).toEqual({ value: 8, scale: 'rating10' });
    expect(parseScore('0', 'rating10', 'OverallRating').warning).toMatch(/outside the rating10 scale \(1-10\)/);
    expect(parseScore('75', 'rating100', 'Score').score).toEqual({ value: 75, scale: 'rating100' });
    expect(parseScore('Yes', 'yesno', 'Recommended').score).toEqual({ value: 1, scale: 'yesno' });
    expect(parseScore('no', 'yesno', 'Recommended').score).toEqual({ value: 0, scale: 'yesno' });
    expect(parseScore('maybe', 'yesno', 'Recommended').warning).toMatch(/not a number/);
    expect(parseScore('constructor', 'csat5', 'CSAT').score).toBeNull();
  });
});
